package io.walgate.gateway.api;

import io.walgate.contract.Durability;

/**
 * The answer to a durable mutation: its items are stored and its marker is in the log.
 *
 * @param repeat true when an earlier call with the same idempotency key made it durable; absent
 *     otherwise
 */
public record MutationResponse(
        Durability durable, String mutationId, String namespace, int itemCount, Boolean repeat) {}
