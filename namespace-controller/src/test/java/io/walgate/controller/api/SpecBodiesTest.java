package io.walgate.controller.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.WalException;
import io.walgate.support.json.StrictJson;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SpecBodiesTest {
    private final ObjectMapper json = StrictJson.configure(new ObjectMapper().findAndRegisterModules());

    private static byte[] spec(String owner) {
        return ("{\"name\":\"n\",\"owner\":\"" + owner + "\",\"backend\":{\"type\":\"SQS\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anOwnerWithAnEscapedEmojiIsReadAsThatEmoji() {
        assertThat(SpecBodies.read(json, spec("team \\ud83d\\ude00")).owner()).isEqualTo("team \uD83D\uDE00");
    }

    @Test
    void anUnpairedSurrogateEscapeIsRefusedBeforeItCanBeStoredAsAQuestionMark() {
        for (String owner : new String[] {"team\\ud800", "\\udc00team", "a\\ud800\\ud800b"}) {
            assertThatThrownBy(() -> SpecBodies.read(json, spec(owner)))
                    .isInstanceOf(WalException.class)
                    .satisfies(e -> assertThat(((WalException) e).code()).isEqualTo(ErrorCode.MALFORMED_REQUEST));
        }
    }

    @Test
    void bytesThatAreNotUtf8AreRefusedNotReplaced() {
        byte[] body = spec("team-x");
        body[body.length - 30] = (byte) 0xC3; // a lead byte followed by ASCII: never valid UTF-8
        assertThatThrownBy(() -> SpecBodies.read(json, body))
                .isInstanceOf(WalException.class)
                .hasMessageContaining("UTF-8");
    }
}
