package io.walgate.gateway.core;

import io.walgate.contract.EntryId;

/**
 * A durable write: the entry is in the log.
 *
 * @param entryId its id
 * @param namespace its namespace
 * @param resource the topic or queue it went to
 * @param repeat true when an earlier write with the same idempotency key put it there and this
 *     call appended nothing
 */
public record Written(EntryId entryId, String namespace, String resource, boolean repeat) {}
