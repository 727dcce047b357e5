package io.walgate.terraform;

import java.util.List;
import java.util.Map;

/**
 * A value Terraform does not know yet (a plan's "known after apply"), in a value tree next to
 * nulls, strings, numbers ({@code BigDecimal}), booleans, lists and maps. On the wire: MessagePack
 * extension type 0.
 */
enum Unknown {
    VALUE;

    /** Whether {@code value} is unknown or holds an unknown anywhere inside it. */
    static boolean within(Object value) {
        if (value == VALUE) {
            return true;
        }
        if (value instanceof Map<?, ?> m) {
            return m.values().stream().anyMatch(Unknown::within);
        }
        if (value instanceof List<?> l) {
            return l.stream().anyMatch(Unknown::within);
        }
        return false;
    }
}
