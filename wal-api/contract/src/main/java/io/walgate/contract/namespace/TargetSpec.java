package io.walgate.contract.namespace;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where entries are applied. Each region's workers apply to that region's endpoint.
 *
 * @param type the kind of datastore; required
 * @param regions region name to endpoint; at least one
 * @param allow per confined option ({@link TargetType#confinedOptions()}: {@code table}, {@code
 *     topic}, {@code namespace}, {@code path}), the values an entry may choose besides its region's
 *     own: exact values, or a prefix ending in {@code *}. Absent: entries keep to the regions' own
 *     values. See {@link TargetConfinement}.
 */
public record TargetSpec(TargetType type, Map<String, RegionTarget> regions, Map<String, List<String>> allow) {
    public TargetSpec {
        // Sorted so that specs compare and print the same however they were built.
        regions = regions == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(regions));
        allow = allow == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(copyLists(allow)));
    }

    /** A target whose entries keep to the regions' own tables, topics, namespaces and paths. */
    public TargetSpec(TargetType type, Map<String, RegionTarget> regions) {
        this(type, regions, null);
    }

    /** This target with {@code newAllow} as its allow-lists. */
    public TargetSpec withAllow(Map<String, List<String>> newAllow) {
        return new TargetSpec(type, regions, newAllow);
    }

    private static Map<String, List<String>> copyLists(Map<String, List<String>> allow) {
        Map<String, List<String>> copy = new TreeMap<>();
        // A null list (JSON null) is kept as empty; null values stay, for the validator to report.
        allow.forEach((option, values) ->
                copy.put(option, values == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(values))));
        return copy;
    }
}
