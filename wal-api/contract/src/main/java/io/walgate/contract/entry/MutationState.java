package io.walgate.contract.entry;

import java.util.Collection;

/** Where a mutation stands, in one region or as a whole. */
public enum MutationState {
    /** Stored, not yet begun. */
    PENDING,
    /** Some items applied, the rest to come (after a failure: with the next attempt). */
    APPLYING,
    /** Every item applied. */
    APPLIED,
    /** An item failed for good, or the attempts ran out: the marker is in the DLQ. */
    DEAD_LETTERED;

    /**
     * The whole mutation's state from its regions': dead-lettered if any region's is, applied once
     * every region's is, applying once any region began, else pending.
     */
    public static MutationState overall(Collection<MutationState> regions) {
        if (regions.contains(DEAD_LETTERED)) {
            return DEAD_LETTERED;
        }
        if (!regions.isEmpty() && regions.stream().allMatch(s -> s == APPLIED)) {
            return APPLIED;
        }
        return regions.contains(APPLYING) || regions.contains(APPLIED) ? APPLYING : PENDING;
    }
}
