package io.walgate.gateway.core;

import io.walgate.contract.Durability;
import io.walgate.contract.EntryId;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.WalException;
import io.walgate.contract.entry.WriteRequest;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.gateway.core.IdempotencyStore.Claim;
import io.walgate.gateway.core.IdempotencyStore.State;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Writes with an idempotency key: one entry id per key and dedup window, whatever gateway the
 * repeats reach.
 *
 * <ul>
 *   <li>A repeat of a DURABLE write appends nothing and answers TRUE with the original id.
 *   <li>A repeat of a write that ended UNKNOWN appends again under the <em>same</em> entry id, so
 *       the log may hold the entry twice but workers, which apply by entry id, apply it once.
 *   <li>A write that certainly failed (FALSE) releases the key: the retry starts afresh.
 *   <li>A repeat while the first is still in flight gets IDEMPOTENCY_IN_PROGRESS (UNKNOWN).
 *   <li>The same key with a different request gets IDEMPOTENCY_KEY_REUSED.
 * </ul>
 *
 * <p>If the store cannot be reached, the write is refused (FALSE) rather than risk a duplicate
 * entry id; if only settling fails, the answer stands and a later repeat re-appends after the lease.
 */
final class IdempotentWrites {
    private static final System.Logger LOG = System.getLogger(IdempotentWrites.class.getName());
    private static final long IN_PROGRESS_RETRY_MILLIS = 1000;

    private final IdempotencyStore store;
    private final Duration lease;

    /**
     * @param lease how long a claim may stay PENDING before another gateway assumes its writer died;
     *     longer than the slowest append (the Kafka producer's delivery timeout)
     */
    IdempotentWrites(IdempotencyStore store, Duration lease) {
        this.store = store;
        this.lease = lease;
    }

    /** @param append appends the request under the given entry id */
    CompletionStage<Written> write(
            NamespaceSpec namespace,
            WriteRequest request,
            EntryId proposed,
            Function<EntryId, CompletionStage<Written>> append) {
        String ns = namespace.name();
        String key = request.idempotencyKey();
        byte[] fingerprint = Fingerprint.of(request);
        UUID token = UUID.randomUUID();
        return store.claim(
                        ns,
                        key,
                        proposed,
                        fingerprint,
                        token,
                        namespace.limits().dedupWindow(),
                        lease)
                .exceptionally(error -> {
                    throw new CompletionException(new WriteFailure(
                            ErrorCode.BACKEND_UNAVAILABLE,
                            "the idempotency store cannot be reached, so the write was not attempted: "
                                    + unwrap(error).getMessage(),
                            Durability.FALSE,
                            null,
                            1000,
                            unwrap(error)));
                })
                .thenCompose(claim -> {
                    if (claim instanceof Claim.Won won) {
                        return append.apply(won.entryId())
                                .handle((written, error) -> settle(ns, key, token, won, written, error))
                                .thenCompose(Function.identity());
                    }
                    return CompletableFuture.completedFuture(repeat(namespace, key, fingerprint, (Claim.Held) claim));
                });
    }

    private Written repeat(NamespaceSpec namespace, String key, byte[] fingerprint, Claim.Held held) {
        if (!Arrays.equals(fingerprint, held.fingerprint())) {
            throw new WalException(
                    ErrorCode.IDEMPOTENCY_KEY_REUSED,
                    "idempotency key '" + key + "' was used for a different request within the dedup window of "
                            + namespace.limits().dedupWindow() + "; use a new key for a new request");
        }
        if (held.state() == State.DURABLE) {
            return new Written(held.entryId(), namespace.name(), null, true);
        }
        throw new WriteFailure(
                ErrorCode.IDEMPOTENCY_IN_PROGRESS,
                "a write with idempotency key '" + key + "' is in flight; retry shortly with the same key",
                Durability.UNKNOWN,
                held.entryId(),
                IN_PROGRESS_RETRY_MILLIS,
                null);
    }

    private CompletionStage<Written> settle(
            String ns, String key, UUID token, Claim.Won won, Written written, Throwable error) {
        if (error == null) {
            return quietly(store.settle(ns, key, token, State.DURABLE), ns, key).thenApply(x -> written);
        }
        Throwable cause = unwrap(error);
        WalException failure = cause instanceof WalException w
                ? w
                : new WriteFailure(
                        ErrorCode.BACKEND_UNAVAILABLE, cause.getMessage(), Durability.UNKNOWN, won.entryId(), 0, cause);
        if (failure.durability() == Durability.FALSE && !won.takeover()) {
            return quietly(store.release(ns, key, token), ns, key).thenApply(x -> {
                throw new CompletionException(failure);
            });
        }
        // UNKNOWN, or FALSE for a repeat of an entry an earlier attempt may have written: either way
        // the entry may be in the log, and a further repeat must write it under the same id.
        WalException answer = failure.durability() == Durability.UNKNOWN
                ? failure
                : new WriteFailure(
                        failure.code(),
                        failure.getMessage() + " (an earlier attempt with idempotency key '" + key
                                + "' may have written it; retry with the same key)",
                        Durability.UNKNOWN,
                        won.entryId(),
                        0,
                        failure);
        return quietly(store.settle(ns, key, token, State.UNKNOWN), ns, key).thenApply(x -> {
            throw new CompletionException(answer);
        });
    }

    /** A failure to settle does not change the answer: the entry's fate is already decided. */
    private static CompletionStage<Void> quietly(CompletionStage<Void> settling, String ns, String key) {
        return settling.exceptionally(e -> {
            LOG.log(
                    Level.WARNING,
                    "could not record the outcome for idempotency key ''{0}'' of namespace {1}; a repeat"
                            + " after the lease writes the entry again under its id: {2}",
                    key,
                    ns,
                    unwrap(e).getMessage());
            return null;
        });
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
