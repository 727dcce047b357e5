package io.walgate.consumers.targets;

import io.walgate.contract.namespace.RegionTarget;
import io.walgate.contract.namespace.TargetType;
import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * The factories of the five targets Walgate ships, registered in {@code META-INF/services}. Each
 * reads its own options, as {@code TargetOptions} in the contract declares them.
 */
public final class BuiltInTargets {
    private BuiltInTargets() {}

    /** {@code postgres://…}; option {@code table}. */
    public static final class Postgres implements TargetFactory {
        @Override
        public TargetType type() {
            return TargetType.POSTGRES;
        }

        @Override
        public Target create(RegionTarget region, TargetContext context) {
            return new PostgresTarget(URI.create(region.url()), region.options().get("table"));
        }
    }

    /** {@code redis://…}; option {@code ttl}. */
    public static final class Redis implements TargetFactory {
        @Override
        public TargetType type() {
            return TargetType.REDIS;
        }

        @Override
        public Target create(RegionTarget region, TargetContext context) {
            return new RedisTarget(URI.create(region.url()), duration(region, "ttl", null));
        }
    }

    /** {@code http(s)://…}; option {@code timeout} (default 10 s). */
    public static final class Http implements TargetFactory {
        @Override
        public TargetType type() {
            return TargetType.HTTP;
        }

        @Override
        public Target create(RegionTarget region, TargetContext context) {
            return new HttpTarget(URI.create(region.url()), timeout(region));
        }
    }

    /** {@code kafka://host:port,…}; option {@code topic}. */
    public static final class Kafka implements TargetFactory {
        @Override
        public TargetType type() {
            return TargetType.KAFKA;
        }

        @Override
        public Target create(RegionTarget region, TargetContext context) {
            return new KafkaTarget(URI.create(region.url()), region.options().get("topic"));
        }
    }

    /** Another Walgate's gateway; options {@code namespace}, {@code timeout} (default 10 s). */
    public static final class Wal implements TargetFactory {
        @Override
        public TargetType type() {
            return TargetType.WAL;
        }

        @Override
        public Target create(RegionTarget region, TargetContext context) {
            return new WalTarget(
                    URI.create(region.url()), region.options().get("namespace"), timeout(region), context.token());
        }
    }

    private static Duration timeout(RegionTarget region) {
        return duration(region, "timeout", Duration.ofSeconds(10));
    }

    private static Duration duration(RegionTarget region, String option, Duration otherwise) {
        String value = region.options().get(option);
        if (value == null) {
            return otherwise;
        }
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("option " + option + " is not an ISO-8601 duration: " + value, e);
        }
    }
}
