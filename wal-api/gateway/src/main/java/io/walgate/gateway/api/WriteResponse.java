package io.walgate.gateway.api;

import io.walgate.contract.Durability;
import io.walgate.contract.ErrorCode;

/**
 * The answer for one entry: of a single write (when durable) and of each entry of a batch.
 *
 * @param durable TRUE, FALSE or UNKNOWN
 * @param entryId set whenever an id was issued
 * @param code why it is not TRUE; absent on success
 * @param message why it is not TRUE, for a person; absent on success
 * @param repeat true when an earlier write with the same idempotency key put the entry in the log
 *     and this one appended nothing; absent otherwise
 */
public record WriteResponse(
        Durability durable, String entryId, String namespace, ErrorCode code, String message, Boolean repeat) {}
