package io.walgate.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValuesTest {
    private static final Attr RETRY = Attr.find(Schemas.SPEC, "retry");
    private static final Attr BACKEND = Attr.find(Schemas.SPEC, "backend");

    @Test
    void aSpecGoesToTheControllerInCamelCaseWithMapKeysKeptAndNullsLeftOut() throws Exception {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("name", "orders");
        value.put("retry", Map.of("max_attempts", new BigDecimal(5), "jitter", new BigDecimal("0.2")));
        value.put(
                "target",
                Map.of(
                        "type",
                        "redis",
                        "regions",
                        Map.of("us-east-1", Map.of("url", "redis://h:6379", "options", Map.of("ttl", "PT1H")))));

        JsonNode json = Values.toJson(Schemas.SPEC, value);

        assertThat(json.toString())
                .isEqualTo(ControllerClient.JSON
                        .readTree("{\"name\":\"orders\",\"retry\":{\"maxAttempts\":5,\"jitter\":0.2},\"target\":"
                                + "{\"type\":\"redis\",\"regions\":{\"us-east-1\":{\"url\":\"redis://h:6379\","
                                + "\"options\":{\"ttl\":\"PT1H\"}}}}}")
                        .toString());
        assertThat(Values.fromJson(Schemas.SPEC, json).get("retry"))
                .isEqualTo(mapOf(
                        "max_attempts",
                        new BigDecimal(5),
                        "initial_backoff",
                        null,
                        "multiplier",
                        null,
                        "max_backoff",
                        null,
                        "jitter",
                        new BigDecimal("0.2")));
    }

    @Test
    void durationsEnumsAndNumbersCompareAsTheControllerReadsThem() {
        assertThat(Values.same(RETRY, retry("P1D", "2"), retry("PT24H", "2.0"))).isTrue();
        assertThat(Values.same(RETRY, retry("P1D", "2"), retry("PT23H", "2"))).isFalse();
        assertThat(Values.same(BACKEND, Map.of("type", "kafka"), Map.of("type", "KAFKA")))
                .isTrue();
        assertThat(Values.same(Attr.find(Schemas.SPEC, "owner"), "team-a", "TEAM-A"))
                .as("free text is exact")
                .isFalse();
    }

    @Test
    void theStateKeepsTheUsersSpellingUntilTheValueReallyChanges() {
        Object kept = Values.keepSpelling(RETRY, retry("P1D", "2"), retry("PT24H", "2.0"));
        assertThat(kept).isEqualTo(retry("P1D", "2"));

        Map<?, ?> changed = (Map<?, ?>) Values.keepSpelling(RETRY, retry("P1D", "2"), retry("PT24H", "3"));
        assertThat(changed.get("max_backoff"))
                .as("unchanged part keeps its spelling")
                .isEqualTo("P1D");
        assertThat(changed.get("multiplier")).isEqualTo(new BigDecimal("3"));
    }

    @Test
    void applyFillsInOnlyWhatThePlanDidNotKnow() {
        Map<String, Object> planned =
                mapOf("name", "x", "version", Unknown.VALUE, "retry", mapOf("max_backoff", "P1D"));
        Map<String, Object> remote =
                mapOf("name", "x", "version", new BigDecimal(3), "retry", mapOf("max_backoff", "PT24H"));

        assertThat(Values.settle(planned, remote))
                .isEqualTo(mapOf("name", "x", "version", new BigDecimal(3), "retry", mapOf("max_backoff", "P1D")));
    }

    private static Map<String, Object> retry(String maxBackoff, String multiplier) {
        return mapOf(
                "max_attempts",
                new BigDecimal(8),
                "initial_backoff",
                "PT1S",
                "multiplier",
                new BigDecimal(multiplier),
                "max_backoff",
                maxBackoff,
                "jitter",
                new BigDecimal("0.2"));
    }

    private static Map<String, Object> mapOf(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
