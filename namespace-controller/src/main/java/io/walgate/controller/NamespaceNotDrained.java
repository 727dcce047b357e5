package io.walgate.controller;

import io.walgate.contract.ErrorCode;
import io.walgate.contract.WalException;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** A delete refused because the namespace's targets have not had all its entries yet. */
public class NamespaceNotDrained extends WalException {
    private final Map<String, Long> undelivered;

    NamespaceNotDrained(String name, Map<String, Long> undelivered) {
        super(ErrorCode.NAMESPACE_NOT_DRAINED, message(name, undelivered));
        this.undelivered = new TreeMap<>(undelivered);
    }

    /** Region to entries not delivered yet, in region order; shown as the problem's {@code undelivered}. */
    public Map<String, Long> undelivered() {
        return undelivered;
    }

    private static String message(String name, Map<String, Long> undelivered) {
        String counts = new TreeMap<>(undelivered)
                .entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
        return "namespace '" + name + "' still holds entries its targets have not had (per region: " + counts
                + "); wait until its workers have delivered them (walctl status shows the lag), or delete with"
                + " force=true (walctl ns delete --force) to drop them";
    }
}
