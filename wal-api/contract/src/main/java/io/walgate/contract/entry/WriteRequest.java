package io.walgate.contract.entry;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * One mutation as a client asks for it, whatever the protocol it came in by.
 *
 * @param namespace the log to write to
 * @param lifecycle when it is due; immediate when absent
 * @param payload opaque bytes; empty for a DELETE
 * @param target what to do at the target; a PUT of the partition key when absent
 * @param partitionKey entries with the same key are delivered in order
 * @param idempotencyKey a repeat inside the namespace's dedup window is written once
 * @param headers user headers carried to the target
 * @param contentType MIME type of the payload; application/octet-stream when absent
 */
public record WriteRequest(
        String namespace,
        Lifecycle lifecycle,
        byte[] payload,
        TargetOverride target,
        String partitionKey,
        String idempotencyKey,
        Map<String, String> headers,
        String contentType) {

    public static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";

    public WriteRequest {
        lifecycle = lifecycle == null ? Lifecycle.immediate() : lifecycle;
        payload = payload == null ? new byte[0] : payload;
        target = target == null ? TargetOverride.put() : target;
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        contentType = contentType == null || contentType.isEmpty() ? DEFAULT_CONTENT_TYPE : contentType;
    }

    /** The key at the target: the override's key, else the partition key; may be null. */
    public String effectiveKey() {
        return target.key() != null && !target.key().isEmpty() ? target.key() : partitionKey;
    }

    // Records compare arrays by identity; a request is a value, so compare payload contents.
    @Override
    public boolean equals(Object o) {
        return o instanceof WriteRequest other
                && Objects.equals(namespace, other.namespace)
                && lifecycle.equals(other.lifecycle)
                && Arrays.equals(payload, other.payload)
                && target.equals(other.target)
                && Objects.equals(partitionKey, other.partitionKey)
                && Objects.equals(idempotencyKey, other.idempotencyKey)
                && headers.equals(other.headers)
                && contentType.equals(other.contentType);
    }

    @Override
    public int hashCode() {
        return Objects.hash(namespace, lifecycle, Arrays.hashCode(payload), target, partitionKey);
    }

    @Override
    public String toString() {
        // Payloads are never logged: print only their size.
        return "WriteRequest[namespace=" + namespace + ", lifecycle=" + lifecycle + ", payload=" + payload.length
                + " bytes, target=" + target + ", partitionKey=" + partitionKey + ", idempotencyKey="
                + idempotencyKey + ", headers=" + headers.keySet() + ", contentType=" + contentType + "]";
    }
}
