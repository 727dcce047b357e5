package io.walgate.contract.entry;

import io.walgate.contract.namespace.TargetType;
import java.util.Map;

/**
 * What one entry asks of its target; the namespace's target supplies everything else.
 *
 * @param key the key at the target; the partition key when absent
 * @param op PUT (default) or DELETE
 * @param options type-specific fields the target type allows entries to set (see {@link
 *     TargetType#entryOptions()})
 */
public record TargetOverride(String key, TargetOp op, Map<String, String> options) {
    public TargetOverride {
        op = op == null ? TargetOp.PUT : op;
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    public static TargetOverride put() {
        return new TargetOverride(null, TargetOp.PUT, Map.of());
    }
}
