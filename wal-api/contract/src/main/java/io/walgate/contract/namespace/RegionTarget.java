package io.walgate.contract.namespace;

import java.util.Map;

/**
 * One region's copy of the target.
 *
 * @param url the endpoint, with a scheme that fits the target type (redis://, postgresql://, https://…)
 * @param options type-specific settings (a table, a TTL, a topic, a path)
 */
public record RegionTarget(String url, Map<String, String> options) {
    public RegionTarget {
        options = options == null ? Map.of() : Map.copyOf(options);
    }
}
