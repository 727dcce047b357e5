package io.walgate.support.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.WalException;
import io.walgate.contract.namespace.BackendType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON of every Walgate REST API: what it refuses, with which code, and what it prints. */
class JsonCustomizerTest {
    private final ObjectMapper json = JsonCustomizer.restApi(new ObjectMapper().registerModule(new JavaTimeModule()));

    record Timeout(Duration after, String name) {}

    record Headers(Map<String, String> headers) {}

    @Test
    void aDurationIsAnIsoStringAndANumberIsRefusedAsAnInvalidDuration() throws Exception {
        assertThat(json.readValue("{\"after\":\"PT30S\",\"name\":\"a\"}", Timeout.class)
                        .after())
                .isEqualTo(Duration.ofSeconds(30));

        assertThat(refusal("{\"after\":1e400,\"name\":\"a\"}", Timeout.class).code())
                .isEqualTo(ErrorCode.INVALID_DURATION);
    }

    @Test
    void duplicateKeysAndTrailingContentAreMalformed() {
        assertThat(refusal("{\"name\":\"a\",\"name\":\"b\"}", Timeout.class).code())
                .isEqualTo(ErrorCode.MALFORMED_REQUEST);
        assertThat(refusal("{\"name\":\"a\"} {}", Timeout.class).code()).isEqualTo(ErrorCode.MALFORMED_REQUEST);
    }

    @Test
    void aNumberIsNotTurnedIntoTextAndTheRefusalNamesTheField() {
        WalException refused = refusal("{\"name\":42}", Timeout.class);

        assertThat(refused.violations()).singleElement().satisfies(v -> {
            assertThat(v.field()).isEqualTo("name");
            assertThat(v.code()).isEqualTo(ErrorCode.MALFORMED_REQUEST);
        });
    }

    @Test
    void nullIsNotAValueInAMap() {
        assertThat(refusal("{\"headers\":{\"a\":null}}", Headers.class).violations())
                .singleElement()
                .satisfies(v -> {
                    assertThat(v.field()).isEqualTo("headers.a");
                    assertThat(v.code()).isEqualTo(ErrorCode.MALFORMED_REQUEST);
                });
    }

    @Test
    void aBodyThatIsNotUtf8IsRefusedNotRepaired() {
        byte[] latin1 = "{\"name\":\"café\"}".getBytes(StandardCharsets.ISO_8859_1);

        assertThatThrownBy(() -> StrictJson.utf8(latin1)).isInstanceOf(StrictJson.InvalidUtf8Exception.class);
    }

    @Test
    void backendTypesPrintInLowerCaseAsSpecsAreWritten() throws Exception {
        assertThat(json.writeValueAsString(Map.of("type", BackendType.KAFKA))).isEqualTo("{\"type\":\"kafka\"}");
    }

    @Test
    void aStringMayHoldTheLargestPayloadAsBase64() {
        assertThat(json.getFactory().streamReadConstraints().getMaxStringLength())
                .isEqualTo(JsonCustomizer.MAX_STRING_LENGTH)
                .isGreaterThan(20_000_000);
    }

    private WalException refusal(String body, Class<?> type) {
        try {
            json.readValue(body, type);
        } catch (JsonProcessingException e) {
            return JsonBodyErrors.of(e);
        }
        throw new AssertionError("accepted: " + body);
    }
}
