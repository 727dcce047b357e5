package io.walgate.gateway.api;

import io.quarkus.logging.Log;
import io.walgate.contract.Durability;
import io.walgate.contract.WalException;
import io.walgate.gateway.core.WriteFailure;
import org.jboss.logging.MDC;

/**
 * Log lines about writes, with {@code namespace}, {@code entryId} and {@code traceId} as MDC fields
 * (JSON logs show them as fields). Never the payload. A write of unknown outcome is a warning: an
 * operator may have to find that entry; a refusal is routine and only logged at debug level.
 */
final class WriteLog {
    private WriteLog() {}

    static void failed(String namespace, String traceparent, WalException e) {
        boolean unknown = e.durability() == Durability.UNKNOWN;
        if (!unknown && !Log.isDebugEnabled()) {
            return;
        }
        MDC.put("namespace", namespace);
        if (e instanceof WriteFailure f && f.entryId() != null) {
            MDC.put("entryId", f.entryId().toString());
        }
        String traceId = traceId(traceparent);
        if (traceId != null) {
            MDC.put("traceId", traceId);
        }
        try {
            if (unknown) {
                Log.warnf("write ended %s (%s): %s", e.durability(), e.code(), e.getMessage());
            } else {
                Log.debugf("write refused (%s, durable %s): %s", e.code(), e.durability(), e.getMessage());
            }
        } finally {
            MDC.remove("namespace");
            MDC.remove("entryId");
            MDC.remove("traceId");
        }
    }

    /** The trace id of a W3C traceparent ({@code 00-<trace-id>-<parent-id>-<flags>}), or null. */
    static String traceId(String traceparent) {
        if (traceparent == null) {
            return null;
        }
        String[] parts = traceparent.split("-");
        return parts.length == 4 && parts[1].length() == 32 ? parts[1] : null;
    }
}
