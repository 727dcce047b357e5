package io.walgate.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import io.walgate.terraform.proto.Tfplugin6.AttributePath;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Plans while the configuration holds values other resources decide: the controller is not asked
 * (this one would not answer), so what it would decide must be unknown, or Terraform's final plan
 * at apply would differ from the one shown.
 */
class NamespacePlanTest {
    private static final ControllerClient NOBODY = new ControllerClient("http://127.0.0.1:9", Optional::empty);

    @Test
    void aLeftOutAttributeIsUnknownUntilTheControllerCanBeAsked() {
        Map<String, Object> prior = prior("wal.orders");
        Map<String, Object> config = config(Unknown.VALUE);

        NamespacePlan.Result plan = NamespacePlan.plan(NOBODY, prior, config);

        assertThat(plan.diags().list()).isEmpty();
        assertThat(plan.planned().get("limits"))
                .as("was 2000, left out: the default, unknown here")
                .isEqualTo(Unknown.VALUE);
        assertThat(plan.planned().get("state")).as("never resumed").isEqualTo("PAUSED");
        assertThat(((Map<?, ?>) plan.planned().get("backend")).get("topic")).isEqualTo("wal.orders");
        assertThat(plan.requiresReplace())
                .as("a default topic stays: no replacement")
                .isEmpty();
        assertThat(plan.planned().get("version")).isEqualTo(Unknown.VALUE);
    }

    @Test
    void aCustomTopicLeftOutMayBecomeTheDefaultSoItIsUnknownAndReplaces() {
        NamespacePlan.Result plan = NamespacePlan.plan(NOBODY, prior("orders-log"), config(Unknown.VALUE));

        assertThat(((Map<?, ?>) plan.planned().get("backend")).get("topic")).isEqualTo(Unknown.VALUE);
        assertThat(plan.requiresReplace()).containsExactly(Diags.path("backend", "topic"));
    }

    @Test
    void aWhollyUnknownBackendMayReplaceTheNamespace() {
        Map<String, Object> config = config(Unknown.VALUE);
        config.put("backend", Unknown.VALUE);

        List<AttributePath> replace =
                NamespacePlan.plan(NOBODY, prior("wal.orders"), config).requiresReplace();

        assertThat(replace).contains(Diags.path("backend", "type"), Diags.path("backend", "topic"));
    }

    private static Map<String, Object> prior(String topic) {
        Map<String, Object> prior = new LinkedHashMap<>(config("redis://h:6379"));
        prior.put("backend", map("type", "kafka", "topic", topic, "partitions", new BigDecimal(3)));
        prior.put("state", "PAUSED");
        prior.put(
                "limits",
                map(
                        "max_payload_bytes",
                        new BigDecimal(1048576),
                        "writes_per_second",
                        new BigDecimal(2000),
                        "dedup_window",
                        "PT24H"));
        prior.put("version", new BigDecimal(4));
        prior.put("created_at", "2026-12-04T00:00:00Z");
        return prior;
    }

    private static Map<String, Object> config(Object url) {
        Map<String, Object> config = new LinkedHashMap<>();
        Schemas.RESOURCE.forEach(a -> config.put(a.name(), null));
        config.put("name", "orders");
        config.put("owner", "team");
        config.put("backend", map("type", "kafka", "topic", null, "partitions", new BigDecimal(3)));
        config.put(
                "target",
                map("type", "redis", "regions", map("local", map("url", url, "options", null)), "allow", null));
        return config;
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
