package io.walgate.contract.entry;

import java.util.List;
import java.util.Map;

/**
 * A set of writes that must all take effect ({@code MutateItems}), as a client asks for it.
 *
 * @param namespace the namespace of every item
 * @param items in the order they are applied; each is shaped like a single write, its namespace the
 *     mutation's, without a lifecycle or idempotency key of its own (those are the mutation's)
 * @param lifecycle when the whole mutation is due; immediate when absent
 * @param idempotencyKey a repeat with the same key completes or reports the first call, and never
 *     makes a second mutation; may be null
 * @param headers headers every item carries (an item's own header of the same name wins)
 */
public record MutationRequest(
        String namespace,
        List<WriteRequest> items,
        Lifecycle lifecycle,
        String idempotencyKey,
        Map<String, String> headers) {

    public MutationRequest {
        items = items == null ? List.of() : List.copyOf(items);
        lifecycle = lifecycle == null ? Lifecycle.immediate() : lifecycle;
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    /** The items' payload bytes together. */
    public long payloadBytes() {
        long total = 0;
        for (WriteRequest item : items) {
            total += item.payload().length;
        }
        return total;
    }

    @Override
    public String toString() {
        // Payloads are never logged.
        return "MutationRequest[namespace=" + namespace + ", items=" + items.size() + ", payloadBytes="
                + payloadBytes() + ", lifecycle=" + lifecycle + ", idempotencyKey=" + idempotencyKey + ", headers="
                + headers.keySet() + "]";
    }
}
