package io.walgate.contract.namespace;

/** What order entries are applied in. */
public enum Ordering {
    /** Retries do not hold anything back; entries of one key may be applied out of order. */
    NONE,
    /** A failing entry holds back later entries of the same partition key (not of others). */
    KEY
}
