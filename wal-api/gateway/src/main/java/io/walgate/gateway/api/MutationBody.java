package io.walgate.gateway.api;

import java.util.List;
import java.util.Map;

/**
 * A mutation as REST clients send it: items shaped like single writes, without what the mutation
 * gives all of them (namespace, lifecycle, idempotency key), which an item may not set.
 */
public record MutationBody(
        List<Item> items, String idempotencyKey, EntryBody.LifecycleBody lifecycle, Map<String, String> headers) {

    /** One item: the payload is either {@code payload} (base64) or {@code json}, never both. */
    public record Item(
            String payload,
            RawJson json,
            String partitionKey,
            EntryBody.TargetBody target,
            Map<String, String> headers,
            String contentType) {

        EntryBody asEntry() {
            return new EntryBody(null, payload, json, partitionKey, null, null, target, headers, contentType);
        }
    }
}
