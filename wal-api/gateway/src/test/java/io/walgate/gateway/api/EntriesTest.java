package io.walgate.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.WalException;
import io.walgate.contract.entry.WriteRequest;
import io.walgate.support.json.JsonCustomizer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** REST bodies as the gateway reads them: strictly, and a json payload exactly as written. */
class EntriesTest {
    private static final ObjectMapper JSON = json();

    private static ObjectMapper json() {
        ObjectMapper mapper = new ObjectMapper().registerModule(new JavaTimeModule());
        return JsonCustomizer.restApi(mapper);
    }

    private static WriteRequest read(String body) {
        return Entries.toRequest(
                "orders", Entries.parse(JSON, body.getBytes(StandardCharsets.UTF_8), EntryBody.class), "");
    }

    @Test
    void anOrdinaryBodyIsRead() {
        WriteRequest r = read("{\"payload\":\"aGk=\",\"partitionKey\":\"k\",\"lifecycle\":{\"delay\":\"PT5S\"}}");
        assertThat(new String(r.payload(), StandardCharsets.UTF_8)).isEqualTo("hi");
        assertThat(r.lifecycle().delay()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aJsonPayloadKeepsItsExactText() {
        String json = "{ \"n\": 1e999999, \"d\": 0.1000000000000000000000000000001, \"a\": [1 , 2] }";
        assertThat(new String(read("{\"json\":" + json + "}").payload(), StandardCharsets.UTF_8))
                .isEqualTo(json);
        assertThat(new String(read("{\"json\": \"caf\\u00e9\" }").payload(), StandardCharsets.UTF_8))
                .isEqualTo("\"caf\\u00e9\"");
        assertThat(new String(read("{\"json\":-0.0e-7,\"partitionKey\":\"k\"}").payload(), StandardCharsets.UTF_8))
                .isEqualTo("-0.0e-7");
        assertThat(new String(read("{\"json\":null}").payload(), StandardCharsets.UTF_8))
                .isEqualTo("null");
    }

    @Test
    void aNumericDurationIsRefusedNotReadAsZero() {
        assertThatThrownBy(() -> read("{\"payload\":\"aGk=\",\"lifecycle\":{\"delay\":1e400}}"))
                .isInstanceOfSatisfying(
                        WalException.class,
                        e -> assertThat(e.violations().get(0).code()).isEqualTo(ErrorCode.INVALID_DURATION));
    }

    @Test
    void trailingContentAndDuplicateKeysAreRefused() {
        for (String body : new String[] {
            "{\"payload\":\"aGk=\"}{\"payload\":\"aGk=\"}",
            "{\"payload\":\"aGk=\"} x",
            "{\"payload\":\"aGk=\",\"payload\":\"aGk=\"}"
        }) {
            assertThatThrownBy(() -> read(body))
                    .as(body)
                    .isInstanceOfSatisfying(
                            WalException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_REQUEST));
        }
    }
}
