package io.walgate.adapter.spi;

import java.util.Map;
import java.util.Objects;

/**
 * One backend resource a namespace owns: a Kafka topic or an SQS queue.
 *
 * @param name the topic or queue name
 * @param role what the namespace uses it for
 * @param attributes what the backend reports about it, e.g. {@code partitions} for a topic, {@code
 *     arn} and {@code maxReceiveCount} for a queue
 */
public record LogResource(String name, Role role, Map<String, String> attributes) {
    public LogResource {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    /** What a resource is for. */
    public enum Role {
        /** Where entries are appended. */
        LOG,
        /** Where entries go when they cannot be applied. */
        DEAD_LETTER,
        /** A rung of Kafka's delay ladder (Kafka has no native delay). */
        DELAY_TIER
    }
}
