package io.walgate.gateway.core;

import io.walgate.contract.EntryId;

/**
 * A durable write: the entry is in the log.
 *
 * @param entryId its id
 * @param namespace its namespace
 * @param resource the topic or queue it went to
 */
public record Written(EntryId entryId, String namespace, String resource) {}
