package io.walgate.gateway.api;

import io.walgate.contract.entry.TargetOp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * One entry as REST clients send it. The payload is either {@code payload} (base64) or {@code json}
 * (any JSON document, stored as its text, byte for byte, with content type application/json), never
 * both.
 */
public record EntryBody(
        String namespace,
        String payload,
        RawJson json,
        String partitionKey,
        String idempotencyKey,
        LifecycleBody lifecycle,
        TargetBody target,
        Map<String, String> headers,
        String contentType) {

    public record LifecycleBody(Duration delay, Instant deliverAt, Duration jitter, Instant originalWriteTime) {}

    public record TargetBody(String key, TargetOp op, Map<String, String> options) {}
}
