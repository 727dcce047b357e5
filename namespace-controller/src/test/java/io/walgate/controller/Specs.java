package io.walgate.controller;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Namespace specs as the JSON a user sends, built as maps so a test can break any field. */
final class Specs {
    private Specs() {}

    static Map<String, Object> kafka(String name, int partitions) {
        Map<String, Object> spec = base(name);
        spec.put("backend", map("type", "kafka", "partitions", partitions));
        return spec;
    }

    static Map<String, Object> sqs(String name) {
        Map<String, Object> spec = base(name);
        spec.put("backend", map("type", "sqs"));
        return spec;
    }

    private static Map<String, Object> base(String name) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("name", name);
        spec.put("owner", "team-orders");
        spec.put("retry", map("maxAttempts", 5, "initialBackoff", "PT1S", "multiplier", 2.0, "maxBackoff", "PT1M"));
        spec.put("target", map("type", "redis", "regions", map("local", map("url", "redis://127.0.0.1:6380"))));
        spec.put("limits", map("maxPayloadBytes", 65536, "writesPerSecond", 1000, "dedupWindow", "PT1H"));
        spec.put(
                "access",
                map(
                        "writers",
                        new ArrayList<>(List.of("svc-orders")),
                        "operators",
                        new ArrayList<>(List.of("team-orders-oncall"))));
        return spec;
    }

    /** A mutable map from key-value pairs. */
    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** Sets a dotted path, e.g. "retry.maxAttempts", creating maps on the way. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> with(Map<String, Object> spec, String path, Object value) {
        String[] parts = path.split("\\.");
        Map<String, Object> at = spec;
        for (int i = 0; i < parts.length - 1; i++) {
            at = (Map<String, Object>) at.computeIfAbsent(parts[i], k -> new LinkedHashMap<>());
        }
        if (value == null) {
            at.remove(parts[parts.length - 1]);
        } else {
            at.put(parts[parts.length - 1], value);
        }
        return spec;
    }
}
