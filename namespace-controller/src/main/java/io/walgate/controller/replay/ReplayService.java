package io.walgate.controller.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.WalException;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.NamespaceState;
import io.walgate.controller.ControllerConfig;
import io.walgate.controller.replay.ReplayJob.Kind;
import io.walgate.controller.replay.ReplayJob.State;
import io.walgate.controller.store.DeadLetterFilter;
import io.walgate.controller.store.NamespaceRow;
import io.walgate.controller.store.Phase;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * Operators' replay jobs, protocol-free: start one (or, on a dry run, count what it would do), look
 * at them, pause, resume and cancel them. Callers check who may; {@link ReplayRunner} does the
 * work.
 *
 * <ol>
 *   <li>A job is refused, nothing stored, for a paused or deleted namespace ({@code
 *       NAMESPACE_PAUSED}, {@code NAMESPACE_NOT_FOUND}), a rate outside 1 to {@code max-rate}
 *       ({@code INVALID_RATE}), and while another job of the namespace has not ended ({@code 409
 *       REPLAY_IN_PROGRESS} naming it).
 *   <li>A filter that matches nothing makes a job that has succeeded at once, with {@code matched}
 *       0: a clear zero, not an error.
 *   <li>A dry run changes nothing: it is recorded as a job that has ended, with what it would have
 *       matched.
 *   <li>Starting, pausing, resuming, cancelling and the end of a job are in the audit log.
 * </ol>
 */
@ApplicationScoped
public class ReplayService {
    private final ReplayJobStore jobs;
    private final ObjectMapper json;
    private final ControllerConfig.Replays config;
    private final LogPositions logs;
    private final Vertx vertx;
    private final Clock clock = Clock.systemUTC();

    ReplayService(ReplayJobStore jobs, ObjectMapper json, ControllerConfig config, LogPositions logs, Vertx vertx) {
        this.jobs = jobs;
        this.json = json;
        this.config = config.replay();
        this.logs = logs;
        this.vertx = vertx;
    }

    /** The rate a request asked for ({@code null}: the default), checked. */
    public int rate(Integer asked) {
        int rate = asked == null ? config.defaultRate() : asked;
        if (rate < 1 || rate > config.maxRate()) {
            throw new WalException(
                    ErrorCode.INVALID_RATE,
                    "ratePerSecond must be from 1 to " + config.maxRate() + " (this controller's ceiling): " + rate);
        }
        return rate;
    }

    /** Starts replaying {@code namespace}'s dead letters that {@code filter} matches, as {@code actor}. */
    public Uni<ReplayJob> replayDeadLetters(
            NamespaceRow namespace,
            DeadLetterFilter filter,
            int rate,
            boolean resetAttempts,
            boolean dryRun,
            String actor) {
        mustTakeReplays(namespace);
        if (filter.since() != null && filter.until() != null && !filter.since().isBefore(filter.until())) {
            throw new WalException(ErrorCode.INVALID_TIME_RANGE, "since must be before until");
        }
        ReplayRequest request = ReplayRequest.deadLetters(filter, resetAttempts);
        return LetterQueries.highWater(jobs.pool())
                .chain(high -> LetterQueries.count(jobs.pool(), namespace.name, filter, high)
                        .chain(matched -> start(
                                namespace.name,
                                Kind.DEAD_LETTERS,
                                request,
                                rate,
                                dryRun,
                                actor,
                                matched,
                                high,
                                null,
                                null)));
    }

    /**
     * Starts applying again to {@code region}'s target the entries {@code namespace}'s log holds
     * from {@code from} to {@code to}, but those of {@code skip}. Kafka only.
     */
    public Uni<ReplayJob> replayLog(
            NamespaceRow namespace,
            NamespaceSpec spec,
            Instant from,
            Instant to,
            String region,
            List<String> skip,
            int rate,
            boolean dryRun,
            String actor) {
        mustTakeReplays(namespace);
        if (spec.backend().type() != BackendType.KAFKA) {
            throw new WalException(
                    ErrorCode.UNSUPPORTED_FOR_BACKEND,
                    "namespace '" + namespace.name + "' is on " + spec.backend().type()
                            + ", which keeps no entry once delivered: a log can be replayed on Kafka only");
        }
        if (!from.isBefore(to)) {
            throw new WalException(ErrorCode.INVALID_TIME_RANGE, "from must be before to");
        }
        ReplayRequest request = ReplayRequest.log(from, to, region, skip);
        return vertx.executeBlocking(() -> logs.find(spec, from, to))
                .chain(range -> start(
                        namespace.name,
                        Kind.LOG,
                        request,
                        rate,
                        dryRun,
                        actor,
                        range.entries(),
                        null,
                        range.position(),
                        range.missing()));
    }

    private Uni<ReplayJob> start(
            String namespace,
            Kind kind,
            ReplayRequest request,
            int rate,
            boolean dryRun,
            String actor,
            long matched,
            Long highWater,
            String position,
            String message) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        boolean done = dryRun || matched == 0;
        ReplayJob job = new ReplayJob(
                UUID.randomUUID().toString(),
                namespace,
                kind,
                done ? State.SUCCEEDED : State.PENDING,
                text(request),
                rate,
                dryRun,
                actor,
                now,
                done ? now : null,
                done ? now : null,
                matched,
                0,
                0,
                0,
                highWater,
                position,
                message);
        ObjectNode details = json.createObjectNode();
        details.put("job", job.id())
                .put("kind", kind.name())
                .put("dryRun", dryRun)
                .put("matched", matched);
        details.put("ratePerSecond", rate).set("request", json.valueToTree(request));
        return jobs.insert(job, details.toString()).map(live -> {
            if (live.isPresent()) {
                throw new WalException(
                        ErrorCode.REPLAY_IN_PROGRESS,
                        "namespace '" + namespace + "' has replay job "
                                + live.get().id() + " " + live.get().state()
                                + ": one at a time; wait for it, or cancel it");
            }
            return job;
        });
    }

    public Uni<ReplayJob> get(String namespace, String id) {
        return jobs.get(namespace, id).map(job -> job.orElseThrow(() -> notFound(namespace, id)));
    }

    public Uni<List<ReplayJob>> list(String namespace, Instant before, int limit) {
        return jobs.list(namespace, before, limit);
    }

    /** Pauses, resumes or cancels job {@code id} as {@code actor}. */
    public Uni<ReplayJob> act(String namespace, String id, String action, String actor) {
        List<State> from;
        State to;
        switch (action) {
            case "pause" -> {
                from = List.of(State.PENDING, State.RUNNING);
                to = State.PAUSED;
            }
            case "resume" -> {
                from = List.of(State.PAUSED);
                to = State.PENDING;
            }
            case "cancel" -> {
                from = List.copyOf(State.LIVE);
                to = State.CANCELLED;
            }
            default ->
                throw new WalException(
                        ErrorCode.MALFORMED_REQUEST, "a replay job takes the actions pause, resume and cancel");
        }
        return jobs.transition(namespace, id, from, to, actor, "replays." + action)
                .chain(changed -> changed.map(job -> Uni.createFrom().item(job))
                        .orElseGet(() -> get(namespace, id).map(job -> {
                            if (job.state() == to) {
                                return job; // asked twice: done already
                            }
                            throw new WalException(
                                    ErrorCode.REPLAY_ENDED,
                                    "replay job " + id + " is " + job.state() + ": it cannot be "
                                            + (action.equals("pause")
                                                    ? "paused"
                                                    : action.equals("resume") ? "resumed" : "cancelled"));
                        })));
    }

    private static void mustTakeReplays(NamespaceRow namespace) {
        if (Phase.DELETING.name().equals(namespace.phase)
                || NamespaceState.DELETED.name().equals(namespace.state)) {
            throw new WalException(
                    ErrorCode.NAMESPACE_NOT_FOUND, "namespace '" + namespace.name + "' is being deleted");
        }
        if (NamespaceState.PAUSED.name().equals(namespace.state)) {
            throw new WalException(
                    ErrorCode.NAMESPACE_PAUSED,
                    "namespace '" + namespace.name + "' is paused: resume it first, its entries would wait");
        }
    }

    private String text(ReplayRequest request) {
        try {
            return json.writeValueAsString(request);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static WalException notFound(String namespace, String id) {
        return new WalException(
                ErrorCode.REPLAY_NOT_FOUND, "no replay job " + id + " in namespace '" + namespace + "'");
    }
}
