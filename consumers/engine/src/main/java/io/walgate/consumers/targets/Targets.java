package io.walgate.consumers.targets;

import io.walgate.contract.namespace.RegionTarget;
import io.walgate.contract.namespace.TargetType;
import java.net.URI;
import java.time.Duration;

/** Builds a region's target from the namespace's target spec. */
public final class Targets {
    private Targets() {}

    /**
     * @throws IllegalArgumentException for a type this worker cannot apply yet
     */
    public static Target of(TargetType type, RegionTarget region) {
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
            default -> throw new IllegalArgumentException("no " + type + " target in this worker yet");
        };
    }
}
