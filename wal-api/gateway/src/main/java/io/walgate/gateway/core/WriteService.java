package io.walgate.gateway.core;

import io.walgate.adapter.spi.AppendException;
import io.walgate.adapter.spi.LogAppender;
import io.walgate.client.NamespaceDirectory;
import io.walgate.contract.Durability;
import io.walgate.contract.EntryId;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.Violation;
import io.walgate.contract.WalException;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.EnvelopeCodec;
import io.walgate.contract.entry.PayloadRef;
import io.walgate.contract.entry.WriteRequest;
import io.walgate.contract.entry.WriteRequestValidator;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.Caller;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.NamespaceState;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * The write path, protocol-free: look the namespace up, check shard, state, access, the request
 * and the limits, then append and answer with the truth about durability.
 *
 * <p>Every check that can refuse a write runs before an entry id is issued or anything is sent, so
 * a refusal is always {@link Durability#FALSE}. After the send, only the backend's answer decides.
 */
public final class WriteService {
    private static final System.Logger LOG = System.getLogger(WriteService.class.getName());
    private final NamespaceDirectory namespaces;
    private final Map<BackendType, LogAppender> appenders;
    private final String shard;
    private final RateLimiter rateLimiter;
    private final Admission admission;
    private final EntryId.Generator ids;
    private final Clock clock;
    private final RandomGenerator random;
    private final IdempotentWrites idempotent;
    private final PayloadStore payloads;
    private final Duration payloadRetention;

    /**
     * @param idempotency where idempotency keys are remembered across gateways
     * @param idempotencyLease how long a claimed key may stay in flight before another gateway may
     *     take it over; longer than the slowest append
     * @param payloads where payloads too large for their log are kept
     * @param payloadRetention how long after it is due a stored payload is kept
     */
    public WriteService(
            NamespaceDirectory namespaces,
            Map<BackendType, LogAppender> appenders,
            String shard,
            RateLimiter rateLimiter,
            int maxInFlight,
            long maxInFlightBytes,
            EntryId.Generator ids,
            Clock clock,
            RandomGenerator random,
            IdempotencyStore idempotency,
            Duration idempotencyLease,
            PayloadStore payloads,
            Duration payloadRetention) {
        this.namespaces = namespaces;
        this.appenders = Map.copyOf(appenders);
        this.shard = shard;
        this.rateLimiter = rateLimiter;
        this.admission = new Admission(maxInFlight, maxInFlightBytes);
        this.ids = ids;
        this.clock = clock;
        this.random = random;
        this.idempotent = new IdempotentWrites(idempotency, idempotencyLease);
        this.payloads = payloads;
        this.payloadRetention = payloadRetention;
    }

    /**
     * Writes one entry. The stage completes with {@link Written}, or fails with a {@link
     * WalException} (a {@link WriteFailure} once an entry id was issued).
     */
    public CompletionStage<Written> write(WriteRequest request, Caller caller, String traceparent) {
        NamespaceSpec namespace;
        try {
            namespace = admit(request, caller);
        } catch (WalException e) {
            return CompletableFuture.failedFuture(e);
        }
        long size = request.payload().length;
        try {
            admission.enter(size);
        } catch (WriteFailure e) {
            return CompletableFuture.failedFuture(e);
        }
        Instant now = clock.instant();
        EntryId proposed = ids.next();
        Function<EntryId, CompletionStage<Written>> append = id -> append(namespace, request, id, now, traceparent);
        CompletionStage<Written> result;
        try {
            result = dedups(namespace, request)
                    ? idempotent.write(namespace, request, proposed, append)
                    : append.apply(proposed);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(failure(proposed, e));
        }
        return result.whenComplete((written, error) -> admission.leave(size));
    }

    private static boolean dedups(NamespaceSpec namespace, WriteRequest request) {
        return request.idempotencyKey() != null
                && !namespace.limits().dedupWindow().isZero();
    }

    /** Appends under {@code id}; every failure carries the id, since the entry may be in the log. */
    private CompletionStage<Written> append(
            NamespaceSpec namespace, WriteRequest request, EntryId id, Instant now, String traceparent) {
        LogAppender appender = appenders.get(namespace.backend().type());
        Envelope envelope =
                Envelope.accept(request, id, now, request.lifecycle().dueAt(now, random), traceparent);
        // The whole message decides, not the payload alone: headers and keys near their limits
        // would otherwise push a valid write over the log's message size.
        if (EnvelopeCodec.encodedSize(envelope) <= appender.maxInlinePayloadBytes()) {
            return send(appender, namespace, envelope);
        }
        // Too large for the log: keep the bytes aside first, then log a claim check. A failure to
        // store means nothing was sent. A stored payload whose append then fails simply expires: an
        // earlier attempt with the same entry id may reference it. Once the append is confirmed it
        // no longer expires: it lives until every region applied the entry.
        byte[] sha256 = sha256(request.payload());
        return payloads.put(
                        id,
                        namespace.name(),
                        request.payload(),
                        sha256,
                        envelope.deliverAt().plus(payloadRetention),
                        List.copyOf(namespace.target().regions().keySet()))
                .handle((stored, error) -> {
                    if (error != null) {
                        throw new CompletionException(new WriteFailure(
                                ErrorCode.BACKEND_UNAVAILABLE,
                                "the payload store cannot be reached, so this " + request.payload().length
                                        + "-byte payload (over the log's " + appender.maxInlinePayloadBytes()
                                        + ") was not written (" + brief(unwrap(error)) + ")",
                                Durability.FALSE,
                                null,
                                1000,
                                unwrap(error)));
                    }
                    return envelope.withPayloadStored(
                            new PayloadRef(PayloadRef.POSTGRES, request.payload().length, sha256));
                })
                .thenCompose(stored -> send(appender, namespace, stored))
                .thenCompose(written -> payloads.logged(id).handle((ok, error) -> {
                    if (error != null) {
                        // Still durable; the payload keeps its expiry until a worker redeems it.
                        LOG.log(
                                System.Logger.Level.WARNING,
                                "could not mark the payload of entry {0} as logged: {1}",
                                id,
                                brief(unwrap(error)));
                    }
                    return written;
                }));
    }

    /** Appends {@code envelope} with its namespace's appender; every failure carries its id. */
    CompletionStage<Written> send(NamespaceSpec namespace, Envelope envelope) {
        return send(appenders.get(namespace.backend().type()), namespace, envelope);
    }

    private CompletionStage<Written> send(LogAppender appender, NamespaceSpec namespace, Envelope envelope) {
        EntryId id = envelope.id();
        try {
            return appender.append(namespace, envelope).handle((receipt, error) -> {
                if (error == null) {
                    return new Written(id, namespace.name(), receipt.resource(), false);
                }
                throw new CompletionException(failure(id, unwrap(error)));
            });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(failure(id, e));
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Every check before anything is sent; returns the namespace to write to. */
    NamespaceSpec admit(WriteRequest request, Caller caller) {
        NamespaceSpec namespace = writable(request.namespace(), caller);
        List<Violation> violations = WriteRequestValidator.validate(request, namespace, clock.instant());
        if (!violations.isEmpty()) {
            throw WalException.invalid(violations);
        }
        EntryConfinement.check(request, namespace, caller, namespaces);
        admitToBackend(namespace);
        return namespace;
    }

    /** The namespace {@code name} of this gateway's shard, if {@code caller} writes to or operates it. */
    NamespaceSpec visible(String name, Caller caller) {
        // A namespace the caller has no part in is answered exactly like a missing one: a stranger
        // cannot learn which namespaces exist.
        NamespaceSpec namespace = namespaces
                .find(name)
                .filter(ns -> ns.access().admitsAnyRole(caller))
                .orElseThrow(() -> new WalException(
                        ErrorCode.NAMESPACE_NOT_FOUND,
                        "no namespace '" + name + "'"
                                + (caller.authenticated() ? " that " + caller.name() + " writes to or operates" : "")));
        if (!namespace.shard().equals(shard)) {
            throw new WalException(
                    ErrorCode.WRONG_SHARD,
                    "namespace '" + namespace.name() + "' is served by shard '" + namespace.shard()
                            + "'; this gateway serves '" + shard + "'");
        }
        return namespace;
    }

    /** The namespace {@code name}, if {@code caller} may write to it now (not paused). */
    NamespaceSpec writable(String name, Caller caller) {
        NamespaceSpec namespace = visible(name, caller);
        if (!namespace.access().admitsWriter(caller)) {
            throw new WalException(
                    ErrorCode.FORBIDDEN,
                    caller.name() + " may not write to '" + namespace.name() + "': it is not in access.writers");
        }
        if (namespace.state() == NamespaceState.PAUSED) {
            throw new WalException(
                    ErrorCode.NAMESPACE_PAUSED, "namespace '" + namespace.name() + "' is paused; writes are refused");
        }
        return namespace;
    }

    /** The last checks, once the request is judged: a backend to append with, and the rate limit. */
    void admitToBackend(NamespaceSpec namespace) {
        if (!appenders.containsKey(namespace.backend().type())) {
            throw new WalException(
                    ErrorCode.BACKEND_UNAVAILABLE,
                    "this gateway has no " + namespace.backend().type() + " backend");
        }
        long waitMillis =
                rateLimiter.tryAcquire(namespace.name(), namespace.limits().writesPerSecond());
        if (waitMillis > 0) {
            throw new WriteFailure(
                    ErrorCode.RATE_LIMITED,
                    "namespace '" + namespace.name() + "' is at its limit of "
                            + namespace.limits().writesPerSecond() + " writes per second",
                    Durability.FALSE,
                    null,
                    waitMillis,
                    null);
        }
    }

    /** The in-flight limit every write and mutation passes. */
    Admission admission() {
        return admission;
    }

    EntryId nextId() {
        return ids.next();
    }

    NamespaceDirectory namespaces() {
        return namespaces;
    }

    static WriteFailure failure(EntryId id, Throwable error) {
        if (error instanceof WriteFailure f) {
            return f;
        }
        if (error instanceof AppendException a) {
            return new WriteFailure(a.code(), a.getMessage(), a.durability(), id, 0, a);
        }
        // An unexpected error after the entry may have been handed over: never claim it was not written.
        return new WriteFailure(
                ErrorCode.BACKEND_UNAVAILABLE,
                "the write failed: " + error.getMessage(),
                Durability.UNKNOWN,
                id,
                0,
                error);
    }

    /**
     * What a caller may read, or the log may keep, of a store's failure: its type and the first line
     * of its message, at most 120 characters. A driver's message can quote a statement's parameters,
     * which hold payloads, and payloads are never echoed or logged.
     */
    static String brief(Throwable error) {
        String message = error.getMessage() == null ? "" : error.getMessage();
        String first = message.lines().findFirst().orElse("");
        return error.getClass().getSimpleName()
                + (first.isEmpty() ? "" : ": " + (first.length() > 120 ? first.substring(0, 120) + "…" : first));
    }

    static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
