package io.walgate.contract.namespace;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where entries are applied. Each region's workers apply to that region's endpoint.
 *
 * @param type the kind of datastore; required
 * @param regions region name to endpoint; at least one
 */
public record TargetSpec(TargetType type, Map<String, RegionTarget> regions) {
    public TargetSpec {
        // Sorted so that specs compare and print the same however they were built.
        regions = regions == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(regions));
    }
}
