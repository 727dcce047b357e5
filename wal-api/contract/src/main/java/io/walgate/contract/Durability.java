package io.walgate.contract;

/**
 * Whether an entry is in the log: the trilean every write answers with.
 *
 * <p>Only {@link #TRUE} is a promise. A caller that sees {@link #UNKNOWN} retries with the same
 * idempotency key; one that sees {@link #FALSE} may retry freely.
 */
public enum Durability {
    /** The outcome cannot be known, e.g. the backend timed out after the send. */
    UNKNOWN,
    /** In the log: it will be delivered or dead-lettered, never lost. */
    TRUE,
    /** Certainly not written. */
    FALSE
}
