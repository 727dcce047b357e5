package io.walgate.consumers.targets;

import io.walgate.contract.namespace.TargetConfinement;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * What a target may know of where it runs.
 *
 * @param namespace the namespace delivered
 * @param region this worker's region
 * @param token the worker's own bearer token, for targets that call Walgate APIs ({@code wal});
 *     empty for any other, and for a {@code wal} target on a host the worker may not send it to
 * @param walgateTopic whether a Kafka topic is one of Walgate's own (a {@code wal.} topic, or any
 *     namespace's log, dead-letter or delay topic): never a target's to produce to
 */
public record TargetContext(
        String namespace, String region, Supplier<Optional<String>> token, Predicate<String> walgateTopic) {

    /** A context whose only known Walgate topics are the reserved {@code wal.} ones. */
    public TargetContext(String namespace, String region, Supplier<Optional<String>> token) {
        this(namespace, region, token, TargetConfinement::isReservedTopic);
    }

    /** For tests and tools: no token. */
    public static TargetContext of(String namespace, String region) {
        return new TargetContext(namespace, region, Optional::empty);
    }
}
