package io.walgate.gateway.core;

import io.walgate.contract.Durability;
import io.walgate.contract.EntryId;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.Violation;
import io.walgate.contract.WalException;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.Lifecycle;
import io.walgate.contract.entry.MutationRequest;
import io.walgate.contract.entry.MutationRequestValidator;
import io.walgate.contract.entry.Mutations;
import io.walgate.contract.namespace.Caller;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.gateway.core.MutationStore.MutationProgress;
import io.walgate.gateway.core.MutationStore.NewMutation;
import io.walgate.gateway.core.MutationStore.Stored;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.random.RandomGenerator;

/**
 * {@code MutateItems}, protocol-free: a set of writes that must all take effect, stored in the
 * mutation store and put on the log as one marker entry (the two-phase shape of the design).
 *
 * <ol>
 *   <li>Every check runs before anything is stored: the namespace (as for a write), the mutation and
 *       each of its items ({@link MutationRequestValidator}, {@link EntryConfinement}); a refusal is
 *       {@link Durability#FALSE} and stores nothing.
 *   <li>The items are stored first, then the marker is appended. The answer is TRUE only when both
 *       are durable; UNKNOWN when the marker's append is; FALSE when the store failed, or the append
 *       certainly did not happen. Items whose marker never reached the log expire and are
 *       reclaimed, never applied.
 *   <li>A repeat with the same idempotency key (as long as the mutation is kept) stores nothing: a
 *       mutation whose marker is logged is reported ({@code repeat}); one whose marker is not known to
 *       be logged has its marker sent again under the same id, which completes it. A different request
 *       under the key is refused ({@code IDEMPOTENCY_KEY_REUSED}).
 *   <li>A mutation counts as one write against {@code writesPerSecond} and holds its payload bytes
 *       against the gateway's in-flight limit.
 * </ol>
 */
public final class MutationService {
    private static final System.Logger LOG = System.getLogger(MutationService.class.getName());
    private final WriteService writes;
    private final MutationStore store;
    private final Clock clock;
    private final RandomGenerator random;
    private final Duration reclaimAfter;
    private final Runnable afterStored;

    /**
     * @param writes the namespace checks, in-flight limit, ids and appenders this shares
     * @param reclaimAfter how long after it is due a mutation whose marker is not known to be logged
     *     is kept before it is reclaimed
     */
    public MutationService(
            WriteService writes, MutationStore store, Clock clock, RandomGenerator random, Duration reclaimAfter) {
        this(writes, store, clock, random, reclaimAfter, () -> {});
    }

    /**
     * @param afterStored runs between storing a new mutation and appending its marker: the moment a
     *     crash leaves items whose marker never reaches the log (a fault the end-to-end tests inject)
     */
    public MutationService(
            WriteService writes,
            MutationStore store,
            Clock clock,
            RandomGenerator random,
            Duration reclaimAfter,
            Runnable afterStored) {
        this.writes = writes;
        this.store = store;
        this.clock = clock;
        this.random = random;
        this.reclaimAfter = reclaimAfter;
        this.afterStored = afterStored;
    }

    /**
     * Stores and logs a mutation. The stage completes with {@link Mutated}, or fails with a {@link
     * WalException} (a {@link WriteFailure} carrying the mutation id once one was issued).
     */
    public CompletionStage<Mutated> mutate(MutationRequest request, Caller caller, String traceparent) {
        NamespaceSpec namespace;
        try {
            namespace = admit(request, caller);
        } catch (WalException e) {
            return CompletableFuture.failedFuture(e);
        }
        long size = request.payloadBytes();
        try {
            writes.admission().enter(size);
        } catch (WriteFailure e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletionStage<Mutated> result;
        try {
            result = storeAndLog(namespace, request, traceparent);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return result.whenComplete((m, e) -> writes.admission().leave(size));
    }

    private NamespaceSpec admit(MutationRequest request, Caller caller) {
        NamespaceSpec namespace = writes.writable(request.namespace(), caller);
        List<Violation> violations = MutationRequestValidator.validate(request, namespace, clock.instant());
        if (!violations.isEmpty()) {
            throw WalException.invalid(violations);
        }
        for (int i = 0; i < request.items().size(); i++) {
            EntryConfinement.check(
                    MutationRequestValidator.item(request, i),
                    namespace,
                    caller,
                    writes.namespaces(),
                    "items[" + i + "].");
        }
        writes.admitToBackend(namespace);
        return namespace;
    }

    private CompletionStage<Mutated> storeAndLog(NamespaceSpec namespace, MutationRequest request, String traceparent) {
        Instant now = clock.instant();
        EntryId id = writes.nextId();
        Instant dueAt = request.lifecycle().dueAt(now, random);
        byte[] fingerprint = Fingerprint.of(request);
        NewMutation mutation = new NewMutation(
                id,
                namespace.name(),
                request.idempotencyKey(),
                fingerprint,
                Mutations.chunks(request.items()),
                request.items().size(),
                request.payloadBytes(),
                List.copyOf(namespace.target().regions().keySet()),
                now,
                dueAt,
                dueAt.plus(reclaimAfter),
                request.lifecycle().originalWriteTime());
        return store.store(mutation)
                .handle((stored, error) -> {
                    if (error != null) {
                        throw new CompletionException(new WriteFailure(
                                ErrorCode.BACKEND_UNAVAILABLE,
                                "the mutation store cannot be reached, so nothing was stored ("
                                        + WriteService.brief(WriteService.unwrap(error)) + ")",
                                Durability.FALSE,
                                null,
                                1000,
                                WriteService.unwrap(error)));
                    }
                    return stored;
                })
                .thenCompose(stored -> {
                    if (stored instanceof Stored.Existing e) {
                        if (!Arrays.equals(e.fingerprint(), fingerprint)) {
                            throw new CompletionException(new WalException(
                                    ErrorCode.IDEMPOTENCY_KEY_REUSED,
                                    "idempotency key '" + request.idempotencyKey() + "' belongs to mutation " + e.id()
                                            + ", a different request"));
                        }
                        if (e.logged()) {
                            return CompletableFuture.completedFuture(
                                    new Mutated(e.id(), namespace.name(), e.itemCount(), true));
                        }
                        // Stored by an earlier call whose marker is not known to be logged: send it
                        // (again) under the same id, due when it was, as that call would have.
                        Lifecycle first = new Lifecycle(
                                request.lifecycle().delay(),
                                request.lifecycle().deliverAt(),
                                request.lifecycle().jitter(),
                                e.originalWriteTime());
                        MutationRequest again = new MutationRequest(
                                request.namespace(),
                                request.items(),
                                first,
                                request.idempotencyKey(),
                                request.headers());
                        return log(
                                namespace,
                                Mutations.marker(again, e.id(), e.acceptedAt(), e.dueAt(), traceparent),
                                true);
                    }
                    afterStored.run();
                    return log(namespace, Mutations.marker(request, id, now, dueAt, traceparent), false);
                });
    }

    /**
     * Appends the marker and lifts the mutation's expiry.
     *
     * @param repeat the marker is sent again for an earlier call, whose own marker may be in the log:
     *     a failed append is then never FALSE (the first marker may yet apply everything), and the
     *     mutation is never discarded
     */
    private CompletionStage<Mutated> log(NamespaceSpec namespace, Envelope marker, boolean repeat) {
        return writes.send(namespace, marker)
                .<CompletionStage<Written>>handle((written, error) -> {
                    if (error == null) {
                        return CompletableFuture.completedFuture(written);
                    }
                    if (!(WriteService.unwrap(error) instanceof WriteFailure failure)
                            || failure.durability() != Durability.FALSE) {
                        return CompletableFuture.failedFuture(WriteService.unwrap(error));
                    }
                    if (repeat) {
                        return CompletableFuture.<Written>failedFuture(new WriteFailure(
                                failure.code(),
                                failure.getMessage() + " (an earlier call's marker of mutation " + marker.id()
                                        + " may be in the log: send the call again)",
                                Durability.UNKNOWN,
                                marker.id(),
                                failure.retryAfterMillis(),
                                failure));
                    }
                    // Certainly not in the log: nothing of it will be applied, and its key is free.
                    return store.discard(marker.id())
                            .handle((dropped, discardError) -> {
                                if (discardError == null && dropped) {
                                    return CompletableFuture.<Written>failedFuture(failure);
                                }
                                if (discardError != null) {
                                    LOG.log(
                                            System.Logger.Level.WARNING,
                                            "could not drop mutation {0}, whose marker was not logged: {1}",
                                            marker.id(),
                                            WriteService.brief(WriteService.unwrap(discardError)));
                                }
                                // Kept (a concurrent repeat logged it) or unknown: it may be applied.
                                return CompletableFuture.<Written>failedFuture(new WriteFailure(
                                        failure.code(),
                                        failure.getMessage() + " (mutation " + marker.id()
                                                + " may yet be applied: send the call again with its idempotency key)",
                                        Durability.UNKNOWN,
                                        marker.id(),
                                        failure.retryAfterMillis(),
                                        failure));
                            })
                            .thenCompose(f -> f);
                })
                .thenCompose(stage -> stage)
                .thenCompose(written -> store.logged(marker.id()).handle((kept, error) -> {
                    if (error != null) {
                        // Still durable: the worker that reads the marker lifts the expiry.
                        LOG.log(
                                System.Logger.Level.WARNING,
                                "could not mark mutation {0} as logged: {1}",
                                marker.id(),
                                WriteService.brief(WriteService.unwrap(error)));
                    } else if (!kept) {
                        // Reclaimed while the marker was on its way (a repeat long after the first
                        // call): the marker will find nothing to apply.
                        throw new CompletionException(new WriteFailure(
                                ErrorCode.BACKEND_UNAVAILABLE,
                                "mutation " + marker.id() + " was reclaimed while its marker was sent; nothing of it"
                                        + " will be applied: send the call again",
                                Durability.FALSE,
                                marker.id(),
                                1000,
                                null));
                    }
                    return new Mutated(
                            marker.id(), namespace.name(), marker.mutation().itemCount(), false);
                }));
    }

    /** The progress of mutation {@code id} of {@code namespace}, for a caller who writes to or operates it. */
    public CompletionStage<MutationProgress> progress(String namespace, String id, Caller caller) {
        EntryId mutation;
        try {
            writes.visible(namespace, caller);
            mutation = EntryId.parse(id);
        } catch (WalException e) {
            return CompletableFuture.failedFuture(e);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(
                    new WalException(ErrorCode.MUTATION_NOT_FOUND, "'" + id + "' is not a mutation id"));
        }
        return store.progress(namespace, mutation).handle((found, error) -> {
            if (error != null) {
                throw new CompletionException(new WalException(
                        ErrorCode.BACKEND_UNAVAILABLE,
                        "the mutation store cannot be reached (" + WriteService.brief(WriteService.unwrap(error)) + ")",
                        Durability.FALSE,
                        WriteService.unwrap(error)));
            }
            return found.map(p -> p.forRegions(visibleRegions(namespace, caller)))
                    .orElseThrow(() -> new WalException(
                            ErrorCode.MUTATION_NOT_FOUND,
                            "no mutation " + id + " in namespace '" + namespace
                                    + "' (never made, reclaimed, or past its" + " retention)"));
        });
    }

    private Set<String> visibleRegions(String namespace, Caller caller) {
        return writes.visible(namespace, caller).target().regions().keySet();
    }
}
