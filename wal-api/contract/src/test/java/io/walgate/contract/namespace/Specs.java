package io.walgate.contract.namespace;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Namespace specs for tests: the design brief's example, and the smallest valid one. */
public final class Specs {
    private Specs() {}

    /** The example namespace of the design brief, every field set. */
    public static NamespaceSpec full() {
        return new NamespaceSpec(
                "evcache_profiles",
                "cache",
                "team-cache",
                NamespaceState.ACTIVE,
                new BackendSpec(BackendType.KAFKA, "wal.evcache_profiles", 12),
                new DeliverySpec(Ordering.NONE, Duration.ofDays(7)),
                new RetryPolicy(8, Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5)),
                new TargetSpec(
                        TargetType.REDIS,
                        Map.of(
                                "us-east-1", new RegionTarget("redis://cache-use1:6379", Map.of()),
                                "eu-west-1", new RegionTarget("redis://cache-euw1:6379", Map.of()))),
                new Limits(1048576, 5000, Duration.ofHours(24)),
                new AccessSpec(List.of("svc-profiles"), List.of("team-cache-oncall")));
    }

    /** Only the required fields: name, owner, backend type, target type and one region. */
    public static NamespaceSpec minimal(String name, BackendType backend, TargetType target, String url) {
        return new NamespaceSpec(
                name,
                null,
                "team-a",
                null,
                new BackendSpec(backend, null, null),
                null,
                null,
                new TargetSpec(target, Map.of("local", new RegionTarget(url, null))),
                null,
                null);
    }
}
