package io.walgate.consumers.targets;

import io.walgate.contract.namespace.RegionTarget;
import io.walgate.contract.namespace.TargetType;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/** Builds a region's target from the namespace's target spec. */
public final class Targets {
    private Targets() {}

    /**
     * @throws IllegalArgumentException for a region URL that is not one
     */
    public static Target of(TargetType type, RegionTarget region) {
        return of(type, region, Optional::empty);
    }

    /**
     * @param token the worker's own bearer token, for targets that call Walgate APIs ({@code wal})
     */
    public static Target of(TargetType type, RegionTarget region, Supplier<Optional<String>> token) {
        URI url = URI.create(region.url());
        return switch (type) {
            case REDIS ->
                new RedisTarget(
                        url,
                        region.options().containsKey("ttl")
                                ? Duration.parse(region.options().get("ttl"))
                                : null);
            case HTTP -> new HttpTarget(url, Duration.parse(region.options().getOrDefault("timeout", "PT10S")));
            case POSTGRES -> new PostgresTarget(url, region.options().get("table"));
            case KAFKA -> new KafkaTarget(url, region.options().get("topic"));
            case WAL ->
                new WalTarget(
                        url,
                        region.options().get("namespace"),
                        Duration.parse(region.options().getOrDefault("timeout", "PT10S")),
                        token);
        };
    }
}
