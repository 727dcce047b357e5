package io.walgate.contract.namespace;

/** The lifecycle state of a namespace. */
public enum NamespaceState {
    /** Writes are accepted and entries are delivered. */
    ACTIVE,
    /** Writes are refused with NAMESPACE_PAUSED and delivery stops; nothing is dropped. */
    PAUSED,
    /** Gone: writes are refused, its resources are removed once nobody serves it. */
    DELETED
}
