package io.walgate.contract.entry;

/** What an entry does at its target. */
public enum TargetOp {
    /** Write the payload under the key (the default). */
    PUT,
    /** Remove the key; a DELETE carries no payload. */
    DELETE
}
