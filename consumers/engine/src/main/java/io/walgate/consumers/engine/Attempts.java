package io.walgate.consumers.engine;

import io.walgate.adapter.spi.EntryHandler;
import io.walgate.adapter.spi.Verdict;
import io.walgate.consumers.targets.Target;
import io.walgate.consumers.targets.Target.Applied;
import io.walgate.consumers.targets.TargetContext;
import io.walgate.consumers.targets.TargetRegistry;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.ResourceNames;
import io.walgate.contract.namespace.TargetConfinement;
import io.walgate.contract.namespace.TargetType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * The engine's {@link EntryHandler}: one attempt to apply a due entry through the namespace's
 * {@link Target}, and what it leads to under the namespace's retry policy. The same for every log
 * backend; what a backend does with a {@link Verdict} (re-append, hold, send to its DLQ) is its
 * own business. A mutation's marker has its items applied ({@link MutationApplier}). It owns the
 * target, the payload store and the mutation ledger, and closes them.
 */
public final class Attempts implements EntryHandler {

    private final NamespaceSpec namespace;
    private final String region;
    private final Target target;
    private final PayloadStore payloads;
    private final MutationLedger mutations;
    private final DeliveryEvents events;
    private final Clock clock;
    private final DoubleSupplier random;

    /**
     * @param payloads redeems claim checks; null when this worker has no access to the gateway's
     *     database (claim-checked entries then fail transiently and, in the end, go to the DLQ)
     * @param random uniform draws from [0, 1) for the retry jitter
     */
    public Attempts(
            NamespaceSpec namespace,
            String region,
            Target target,
            PayloadStore payloads,
            DeliveryEvents events,
            Clock clock,
            DoubleSupplier random) {
        this(namespace, region, target, payloads, null, events, clock, random);
    }

    /**
     * @param mutations the mutation store; null when this worker has no access to the gateway's
     *     database (mutations' markers then fail transiently and, in the end, go to the DLQ)
     */
    public Attempts(
            NamespaceSpec namespace,
            String region,
            Target target,
            PayloadStore payloads,
            MutationLedger mutations,
            DeliveryEvents events,
            Clock clock,
            DoubleSupplier random) {
        this.namespace = namespace;
        this.region = region;
        this.target = target;
        this.payloads = payloads;
        this.mutations = mutations;
        // Metrics code must never be able to fail (and so replay or stall) a delivery.
        this.events = DeliveryEvents.guarded(events);
        this.clock = clock;
        this.random = random;
    }

    /**
     * What a {@code LogReader} takes: a new handler per call, each with a
     * target of its own from {@code targets} (a target is used by one thread at a time) and a payload
     * store of its own, all reporting to {@code events}.
     *
     * @param payloads a new payload store per call, or null (see the constructor)
     */
    public static Supplier<EntryHandler> perLane(
            NamespaceSpec namespace,
            String region,
            TargetRegistry targets,
            TargetContext context,
            Supplier<PayloadStore> payloads,
            DeliveryEvents events,
            Clock clock) {
        return perLane(namespace, region, targets, context, payloads, () -> null, events, clock);
    }

    /** @param mutations a new mutation ledger per call, or null (see the constructor) */
    public static Supplier<EntryHandler> perLane(
            NamespaceSpec namespace,
            String region,
            TargetRegistry targets,
            TargetContext context,
            Supplier<PayloadStore> payloads,
            Supplier<MutationLedger> mutations,
            DeliveryEvents events,
            Clock clock) {
        return () -> {
            Target target = targets.create(
                    namespace.target().type(), namespace.target().regions().get(region), context);
            try {
                return new Attempts(
                        namespace,
                        region,
                        target,
                        payloads.get(),
                        mutations.get(),
                        events,
                        clock,
                        () -> ThreadLocalRandom.current().nextDouble());
            } catch (RuntimeException e) {
                target.close(); // built for a handler that never was
                throw e;
            }
        };
    }

    /** Applies {@code entry}, which is due, and says what comes next. */
    @Override
    public Verdict handle(Envelope entry) {
        Instant now = clock.instant();
        Optional<String> outside = outsideNamespace(entry);
        if (outside.isPresent()) {
            return decide(
                    entry,
                    Applied.permanent(TARGET_NOT_ALLOWED, outside.get()),
                    Duration.ZERO,
                    Duration.between(entry.deliverAt(), now));
        }
        if (entry.mutation() != null) {
            return applyMutation(entry, now);
        }
        // Retries and the DLQ get the entry as logged: a redeemed payload may be too large for the log.
        Envelope inline = entry;
        if (entry.payloadRef() != null) {
            if (payloads == null) {
                return decide(
                        entry,
                        Applied.retry("NO_PAYLOAD_STORE", "this worker has no payload store to redeem the claim check"),
                        Duration.ZERO,
                        Duration.between(entry.deliverAt(), now));
            }
            PayloadStore.Redeemed redeemed;
            try {
                redeemed = payloads.redeem(entry);
            } catch (RuntimeException e) {
                redeemed = new PayloadStore.Redeemed.Failed(unexpected(e));
            }
            if (redeemed instanceof PayloadStore.Redeemed.Failed f) {
                return decide(entry, f.failure(), Duration.ZERO, Duration.between(entry.deliverAt(), now));
            }
            inline = ((PayloadStore.Redeemed.Inline) redeemed).entry();
        }
        long start = System.nanoTime();
        Applied applied;
        try {
            applied = target.apply(inline);
        } catch (RuntimeException e) {
            applied = unexpected(e);
        }
        if (entry.payloadRef() != null && applied instanceof Applied.Done) {
            payloads.applied(entry.id(), region);
        }
        return decide(
                entry, applied, Duration.ofNanos(System.nanoTime() - start), Duration.between(entry.deliverAt(), now));
    }

    /** Applies the items of a mutation's marker; the marker's verdict is the mutation's. */
    private Verdict applyMutation(Envelope marker, Instant now) {
        Duration lateness = Duration.between(marker.deliverAt(), now);
        if (mutations == null) {
            return decide(
                    marker,
                    Applied.retry("NO_MUTATION_STORE", "this worker has no mutation store to read the items from"),
                    Duration.ZERO,
                    lateness);
        }
        long start = System.nanoTime();
        Applied applied;
        try {
            applied = new MutationApplier(
                            mutations, region, namespace.target().regions().keySet())
                    .apply(marker, target, this::outsideNamespace);
        } catch (RuntimeException e) {
            applied = unexpected(e);
        }
        Verdict verdict = decide(marker, applied, Duration.ofNanos(System.nanoTime() - start), lateness);
        if (verdict instanceof Verdict.Dead) {
            try {
                mutations.deadLettered(marker.id(), region);
            } catch (RuntimeException e) {
                // The marker is dead-lettered all the same; the status shows the last failure.
                System.getLogger(Attempts.class.getName())
                        .log(
                                System.Logger.Level.WARNING,
                                "could not record mutation {0} as dead-lettered in {1}: {2}",
                                marker.id(),
                                region,
                                e.getMessage());
            }
        }
        return verdict;
    }

    /**
     * Applies due entries together ({@link Target#applyAll}: one transaction where the target can)
     * and says what comes next for each, in order; a claim-checked entry is applied alone, in its
     * place. Each entry's apply latency is the batch's.
     */
    @Override
    public List<Verdict> handleAll(List<Envelope> entries) {
        List<Verdict> verdicts = new ArrayList<>(entries.size());
        List<Envelope> segment = new ArrayList<>();
        for (Envelope entry : entries) {
            if (entry.payloadRef() == null
                    && entry.mutation() == null
                    && outsideNamespace(entry).isEmpty()) {
                segment.add(entry);
                continue;
            }
            // A claim check is redeemed and applied alone, in its place, so order holds; so is a
            // mutation's marker; an entry bound outside its namespace is refused alone, in its place.
            verdicts.addAll(applyTogether(segment));
            segment.clear();
            verdicts.add(handle(entry));
        }
        verdicts.addAll(applyTogether(segment));
        return verdicts;
    }

    private List<Verdict> applyTogether(List<Envelope> inline) {
        if (inline.isEmpty()) {
            return List.of();
        }
        if (inline.size() == 1) {
            return List.of(handle(inline.get(0)));
        }
        Instant now = clock.instant();
        long start = System.nanoTime();
        List<Applied> applied;
        try {
            applied = target.applyAll(inline);
        } catch (RuntimeException e) {
            // Which entry broke it is not known: each gets its own outcome, alone.
            return inline.stream().map(this::handle).toList();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        List<Verdict> verdicts = new ArrayList<>(inline.size());
        for (int i = 0; i < inline.size(); i++) {
            Envelope entry = inline.get(i);
            verdicts.add(decide(entry, applied.get(i), took, Duration.between(entry.deliverAt(), now)));
        }
        return verdicts;
    }

    /**
     * Why this entry's target options lead outside its namespace, checked again here with the spec
     * this worker delivers under ({@link TargetConfinement}, 3): the gateway admitted it, but the
     * admin may have narrowed {@code target.allow} since, or a gateway's view was stale.
     */
    private Optional<String> outsideNamespace(Envelope entry) {
        Map<String, String> options = entry.target().options();
        if (options.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> problem = TargetConfinement.problem(namespace, options);
        String topic = options.get("topic");
        if (problem.isEmpty()
                && topic != null
                && namespace.target().type() == TargetType.KAFKA
                && ResourceNames.isKafkaResourceOf(namespace.backend(), topic)) {
            return Optional.of("target.options.topic: '" + topic + "' is this namespace's own log");
        }
        return problem;
    }

    /** The code of an entry whose target options its namespace does not grant. */
    public static final String TARGET_NOT_ALLOWED = "TARGET_NOT_ALLOWED";

    /**
     * A target broke its promise never to throw ({@link Target}, 2): a bug, or an input no check
     * foresaw, and the same entry will break it again. It is this entry's permanent failure, so it is
     * dead-lettered with its own code and the rest of the namespace flows on; retrying it would
     * stall its partition (or, before, the whole namespace) for nothing.
     */
    static Applied.Failed unexpected(RuntimeException e) {
        return new Applied.Failed(
                false,
                UNEXPECTED_ERROR,
                e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }

    /** The code of a failure the target did not classify: it threw instead of answering. */
    public static final String UNEXPECTED_ERROR = "UNEXPECTED_ERROR";

    private Verdict decide(Envelope entry, Applied applied, Duration took, Duration lateness) {
        if (!(applied instanceof Applied.Failed failed)) {
            events.attempted(entry, "applied", "OK", took, lateness);
            return new Verdict.Done();
        }
        int maxAttempts = namespace.retry().maxAttempts();
        Instant now = clock.instant();
        if (failed.transientFailure() && entry.attempt() < maxAttempts) {
            events.attempted(entry, "retried", failed.code(), took, lateness);
            Duration backoff = namespace.retry().backoff(entry.attempt(), random.getAsDouble());
            return new Verdict.Retry(entry.withFailure(failed.code(), failed.message(), now)
                    .retryAt(now.plus(backoff))
                    .forRegion(region)); // the other regions applied it, or retry it themselves
        }
        events.attempted(entry, "dead_lettered", failed.code(), took, lateness);
        String why = failed.transientFailure() ? "attempts exhausted (" + maxAttempts + ")" : "permanent failure";
        return new Verdict.Dead(
                entry.withFailure(failed.code(), failed.message(), now), failed.code(), failed.message(), why);
    }

    /** Closes the target and the payload store. */
    @Override
    public void close() {
        try {
            target.close();
        } finally {
            if (payloads != null) {
                payloads.close();
            }
            if (mutations != null) {
                mutations.close();
            }
        }
    }
}
