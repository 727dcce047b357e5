package io.walgate.controller.store;

/** Where provisioning of a namespace's backend resources stands. */
public enum Phase {
    /** The backend does not match the spec yet; the reconciler is on it. */
    PROVISIONING,
    /** Every resource exists as the spec asks. */
    READY,
    /** The last attempt failed; the reason says why, and it is retried with backoff. */
    FAILED,
    /** Deleted: the resources go once the grace period is over, then the namespace is gone. */
    DELETING
}
