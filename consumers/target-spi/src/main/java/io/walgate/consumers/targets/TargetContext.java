package io.walgate.consumers.targets;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a target may know of where it runs.
 *
 * @param namespace the namespace delivered
 * @param region this worker's region
 * @param token the worker's own bearer token, for targets that call Walgate APIs ({@code wal})
 */
public record TargetContext(String namespace, String region, Supplier<Optional<String>> token) {
    /** For tests and tools: no token. */
    public static TargetContext of(String namespace, String region) {
        return new TargetContext(namespace, region, Optional::empty);
    }
}
