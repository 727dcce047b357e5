package io.walgate.contract.namespace;

import static org.assertj.core.api.Assertions.assertThat;

import io.walgate.contract.ErrorCode;
import io.walgate.contract.Violation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetConfinementTest {
    private static TargetSpec target(TargetType type, String option, String own, List<String> allow) {
        return new TargetSpec(
                type,
                Map.of("local", new RegionTarget("x://h", Map.of(option, own))),
                allow == null ? null : Map.of(option, allow));
    }

    @Test
    void withoutAnAllowListAnEntryKeepsToItsRegionsOwnTable() {
        TargetSpec t = target(TargetType.POSTGRES, "table", "orders", null);
        assertThat(TargetConfinement.problem(t, "table", "orders")).isEmpty();
        assertThat(TargetConfinement.problem(t, "table", "users"))
                .get()
                .asString()
                .contains("none");
        assertThat(TargetConfinement.problem(t, "table", "public.orders")).isPresent();
    }

    @Test
    void anAllowListGrantsExactValuesAndPrefixesEndingInAStar() {
        TargetSpec t = target(TargetType.POSTGRES, "table", "orders", List.of("orders_archive", "audit_*"));
        assertThat(TargetConfinement.problem(t, "table", "orders_archive")).isEmpty();
        assertThat(TargetConfinement.problem(t, "table", "audit_2026")).isEmpty();
        assertThat(TargetConfinement.problem(t, "table", "orders_archive2")).isPresent();
        assertThat(TargetConfinement.problem(t, "table", "audit")).isPresent();
        assertThat(TargetConfinement.problem(t, "table", null)).isPresent();
    }

    @Test
    void walgatesOwnTablesAreNeverATargetHoweverTheyAreSpelled() {
        TargetSpec t = target(TargetType.POSTGRES, "table", "orders", List.of("*"));
        assertThat(TargetConfinement.problem(t, "table", "audit")).isEmpty();
        for (String own : List.of("walgate_tombstones", "public.walgate_applied_entries", "\"WALGATE_TOMBSTONES\"")) {
            assertThat(TargetConfinement.problem(t, "table", own)).as(own).isPresent();
        }
        NamespaceSpec spec = Specs.minimal("orders", BackendType.KAFKA, TargetType.POSTGRES, "postgresql://db/x");
        spec = spec.withTarget(new TargetSpec(
                TargetType.POSTGRES,
                Map.of("local", new RegionTarget("postgresql://db/x", Map.of("table", "walgate_tombstones"))),
                Map.of("table", List.of("shop.walgate_applied_entries"))));
        assertThat(NamespaceSpecValidator.validate(spec))
                .extracting(Violation::field)
                .containsExactlyInAnyOrder("target.regions.local.options.table", "target.allow.table[0]");
    }

    @Test
    void anEntryMaySpellOutTheDefaultItsRegionUsesAnyway() {
        NamespaceSpec pg = Specs.minimal("orders", BackendType.KAFKA, TargetType.POSTGRES, "postgresql://db/x");
        NamespaceSpec wal = Specs.minimal("orders", BackendType.KAFKA, TargetType.WAL, "https://eu");
        NamespaceSpec http = Specs.minimal("orders", BackendType.KAFKA, TargetType.HTTP, "https://h");
        assertThat(TargetConfinement.problem(pg, "table", "walgate_entries")).isEmpty();
        assertThat(TargetConfinement.problem(wal, "namespace", "orders")).isEmpty();
        assertThat(TargetConfinement.problem(wal, "namespace", "payments")).isPresent();
        assertThat(TargetConfinement.problem(http, "path", "/")).isEmpty();
        NamespaceSpec ownTable = pg.withTarget(new TargetSpec(
                TargetType.POSTGRES,
                Map.of("local", new RegionTarget("postgresql://db/x", Map.of("table", "orders")))));
        assertThat(TargetConfinement.problem(ownTable, "table", "walgate_entries"))
                .isPresent();
    }

    @Test
    void optionsThatChooseNoDestinationAreNotConfined() {
        TargetSpec redis = new TargetSpec(TargetType.REDIS, Map.of("local", new RegionTarget("redis://h", null)));
        assertThat(TargetConfinement.problem(redis, "ttl", "PT1H")).isEmpty();
        assertThat(TargetConfinement.problem(
                        Specs.minimal("c", BackendType.KAFKA, TargetType.REDIS, "redis://h")
                                .withTarget(redis),
                        Map.of("ttl", "PT1H")))
                .isEmpty();
    }

    @Test
    void aPathPrefixGrantsWhatIsBelowItWithOrWithoutSlashesAround() {
        TargetSpec t = target(TargetType.HTTP, "path", "/orders", List.of("orders/*"));
        assertThat(TargetConfinement.problem(t, "path", "orders")).isEmpty();
        assertThat(TargetConfinement.problem(t, "path", "/orders/eu/")).isEmpty();
        assertThat(TargetConfinement.problem(t, "path", "orders-admin")).isPresent();
        assertThat(TargetConfinement.problem(t, "path", "admin/orders")).isPresent();
    }

    @Test
    void walgatesOwnTopicsAreNeverATargetEvenWhenAPrefixWouldGrantThem() {
        TargetSpec t = target(TargetType.KAFKA, "topic", "out", List.of("w*"));
        assertThat(TargetConfinement.problem(t, "topic", "web")).isEmpty();
        assertThat(TargetConfinement.problem(t, "topic", "wal.orders")).isPresent();
        assertThat(TargetConfinement.problem(t, "topic", "WAL.orders.dlq")).isPresent();
        NamespaceSpec ns = Specs.minimal("orders", BackendType.KAFKA, TargetType.KAFKA, "kafka://k:1")
                .withTarget(t);
        assertThat(TargetConfinement.problem(ns, Map.of("topic", "wal.orders")))
                .get()
                .asString()
                .startsWith("target.options.topic: ");
    }

    @Test
    void anAllowListMayNotGrantWalgatesTopicsNorHoldAStarInsideAnItem() {
        NamespaceSpec spec = Specs.minimal("orders", BackendType.KAFKA, TargetType.KAFKA, "kafka://k:9092")
                .withTarget(new TargetSpec(
                        TargetType.KAFKA,
                        Map.of("local", new RegionTarget("kafka://k:9092", Map.of("topic", "wal.orders")))));
        spec = spec.withTarget(spec.target()
                .withAllow(Map.of(
                        "topic", List.of("*", "wa*", "wal.x", "wal.*", "ok.*", "a*b", " "), "table", List.of("t"))));

        assertThat(NamespaceSpecValidator.validate(spec))
                .extracting(Violation::field)
                .containsExactlyInAnyOrder(
                        "target.regions.local.options.topic",
                        "target.allow.table",
                        "target.allow.topic[0]",
                        "target.allow.topic[1]",
                        "target.allow.topic[2]",
                        "target.allow.topic[3]",
                        "target.allow.topic[5]",
                        "target.allow.topic[6]");
        assertThat(NamespaceSpecValidator.validate(spec))
                .extracting(Violation::code)
                .containsOnly(ErrorCode.INVALID_TARGET_OPTION);
    }

    @Test
    void anAllowedPathPrefixMustBeAPathTheTargetWouldSend() {
        NamespaceSpec spec = Specs.minimal("orders", BackendType.KAFKA, TargetType.HTTP, "https://h");
        spec = spec.withTarget(spec.target().withAllow(Map.of("path", List.of("orders/*", "../*", "a%2F*"))));
        assertThat(NamespaceSpecValidator.validate(spec))
                .extracting(Violation::field)
                .containsExactly("target.allow.path[1]", "target.allow.path[2]");
    }
}
