package io.walgate.contract.entry;

/**
 * What the marker of a mutation ({@code MutateItems}) says of the items it stands for. The items
 * themselves are in the gateway's database under the marker's entry id (the mutation id).
 *
 * @param itemCount how many items, at least one
 * @param payloadBytes the items' payload bytes together
 */
public record MutationRef(int itemCount, long payloadBytes) {
    public MutationRef {
        if (itemCount < 1) {
            throw new IllegalArgumentException("a mutation has at least one item: " + itemCount);
        }
        if (payloadBytes < 0) {
            throw new IllegalArgumentException("payloadBytes " + payloadBytes);
        }
    }
}
