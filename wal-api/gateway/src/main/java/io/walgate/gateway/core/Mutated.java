package io.walgate.gateway.core;

import io.walgate.contract.EntryId;

/**
 * A durable mutation: its items are stored and its marker is in the log, so every item will be
 * applied.
 *
 * @param repeat true when an earlier call with the same idempotency key made it durable and this
 *     one stored and appended nothing
 */
public record Mutated(EntryId mutationId, String namespace, int itemCount, boolean repeat) {}
