package io.walgate.contract.namespace;

/** The log that keeps a namespace's entries. */
public enum BackendType {
    KAFKA,
    SQS
}
