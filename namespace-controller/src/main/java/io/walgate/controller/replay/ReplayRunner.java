package io.walgate.controller.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.walgate.contract.namespace.NamespaceState;
import io.walgate.controller.ControllerConfig;
import io.walgate.controller.SpecCodec;
import io.walgate.controller.provision.Provisioners;
import io.walgate.controller.replay.ReplayJob.State;
import io.walgate.controller.store.Phase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs replay jobs: every {@code poll-interval} it claims the pending and running jobs whose lease
 * is free or has run out, up to {@code max-running} at once, and works each on a thread of its own
 * under a lease it renews between batches and every third of the lease (a slow batch keeps it).
 *
 * <ol>
 *   <li>Any controller replica may run any job; the lease in PostgreSQL makes one do it at a time.
 *       A replica that dies (kill -9) stops renewing: after {@code lease} another, or the same one
 *       restarted, takes the job and goes on from the position last recorded.
 *   <li>A replica shutting down gives its leases up, so that the others take over at once; so does
 *       one whose job was paused, so that it may resume anywhere at once.
 *   <li>A job that throws fails, with the error as its message; the letters it did not reach stay
 *       dead.
 * </ol>
 */
@ApplicationScoped
public class ReplayRunner {
    private static final Duration DB_WAIT = Duration.ofSeconds(30);

    private final ReplayJobStore jobs;
    private final Pool pool;
    private final SpecCodec codec;
    private final ObjectMapper json;
    private final ControllerConfig.Replays config;
    private final DeadLetterReplay deadLetters;
    private final LogReplay logs;
    private final String owner = "controller-" + UUID.randomUUID();
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final MeterRegistry metrics;
    private ScheduledExecutorService poller;
    private ScheduledExecutorService heartbeats;
    private ExecutorService workers;
    private volatile boolean stopping;

    ReplayRunner(
            ReplayJobStore jobs,
            Pool pool,
            SpecCodec codec,
            ObjectMapper json,
            ControllerConfig config,
            Provisioners backends,
            LogPositions positions,
            MeterRegistry metrics) {
        this.metrics = metrics;
        Gauge.builder("walgate_replay_jobs_running", running, Set::size)
                .description("Replay jobs this controller is running")
                .register(metrics);
        this.jobs = jobs;
        this.pool = pool;
        this.codec = codec;
        this.json = json;
        this.config = config.replay();
        this.deadLetters =
                new DeadLetterReplay(pool, jobs, backends::deadLetters, backends::appender, Clock.systemUTC());
        this.logs = new LogReplay(jobs, backends, positions, Clock.systemUTC());
    }

    void start(@Observes StartupEvent event) {
        poller = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "replay-poller"));
        // Heartbeats apart from the poller, so that a slow claim does not hold a lease's renewal up.
        heartbeats = Executors.newScheduledThreadPool(1, r -> new Thread(r, "replay-heartbeat"));
        workers = Executors.newFixedThreadPool(config.maxRunning(), r -> new Thread(r, "replay-job"));
        long every = config.pollInterval().toMillis();
        poller.scheduleWithFixedDelay(this::poll, every, every, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        if (poller != null) {
            poller.shutdownNow(); // no more claims
            workers.shutdown();
            try {
                // Jobs stop at their next step and give their leases up; then the rest are cut short.
                if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
                    workers.shutdownNow();
                    workers.awaitTermination(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            heartbeats.shutdownNow();
        }
    }

    private void poll() {
        try {
            for (String id : jobs.claimable().await().atMost(DB_WAIT)) {
                if (stopping || running.size() >= config.maxRunning()) {
                    return;
                }
                if (!running.contains(id)) {
                    jobs.claim(id, owner, config.lease())
                            .await()
                            .atMost(DB_WAIT)
                            .ifPresent(job -> {
                                running.add(job.id());
                                workers.execute(() -> work(job));
                            });
                }
            }
        } catch (RuntimeException e) {
            Log.warnf("looking for replay jobs failed, trying again: %s", e.toString());
        }
    }

    private void work(ReplayJob job) {
        Lease lease = new Lease(job);
        // Renewed between batches and, so that a slow batch never outlives it, every third of it.
        long every = Math.max(1, config.lease().toMillis() / 3);
        ScheduledFuture<?> heartbeat =
                heartbeats.scheduleWithFixedDelay(lease::heartbeat, every, every, TimeUnit.MILLISECONDS);
        try {
            Log.infof("replay job %s of namespace '%s' runs here (%s)", job.id(), job.namespace(), job.kind());
            ReplayRequest request = json.readValue(job.request(), ReplayRequest.class);
            switch (job.kind()) {
                case DEAD_LETTERS -> deadLetters.run(lease, request.filter(), request.resetAttempts());
                case LOG -> logs.run(lease, request);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (JsonProcessingException | RuntimeException e) {
            Log.errorf(e, "replay job %s of namespace '%s' failed", job.id(), job.namespace());
            if (!stopping) {
                lease.finish(State.FAILED, e.toString());
            }
        } finally {
            heartbeat.cancel(false);
            Thread.interrupted(); // so that the release below is not refused for a shutdown's interrupt
            // Paused, cancelled, ended or shutting down: a resumed job may be claimed at once.
            try {
                jobs.release(job.id(), owner).await().atMost(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                Log.warnf("could not give up the lease of replay job %s: %s", job.id(), e.toString());
            }
            running.remove(job.id());
        }
    }

    /** The lease this controller holds on one job. */
    private final class Lease implements JobLease {
        private final ReplayJob job;
        private volatile boolean lost;

        Lease(ReplayJob job) {
            this.job = job;
        }

        @Override
        public ReplayJob job() {
            return job;
        }

        @Override
        public String owner() {
            return owner;
        }

        @Override
        public Optional<ReplayJob> renew() {
            return renew(DB_WAIT);
        }

        private Optional<ReplayJob> renew(Duration wait) {
            Optional<ReplayJob> now = stopping || lost
                    ? Optional.empty()
                    : jobs.renew(job.id(), owner, config.lease()).await().atMost(wait);
            if (now.isEmpty()) {
                lost = true; // for good: a renewal answered before this one cannot bring it back
            }
            return now;
        }

        @Override
        public boolean held() {
            return !lost && !stopping;
        }

        void heartbeat() {
            try {
                // Waiting longer than the next beat is no use: it tries again then.
                renew(config.lease().dividedBy(3));
            } catch (RuntimeException e) {
                // The database did not answer: the next beat, or the next batch, tries again.
                Log.warnf("could not renew the lease of replay job %s: %s", job.id(), e.toString());
            }
        }

        @Override
        public Optional<Namespace> namespace() {
            var rows = pool.preparedQuery("SELECT state, phase, spec FROM namespaces WHERE name = $1")
                    .execute(Tuple.of(job.namespace()))
                    .await()
                    .atMost(DB_WAIT)
                    .iterator();
            if (!rows.hasNext()) {
                return Optional.empty();
            }
            Row r = rows.next();
            if (Phase.DELETING.name().equals(r.getString("phase"))
                    || NamespaceState.DELETED.name().equals(r.getString("state"))) {
                return Optional.empty();
            }
            return Optional.of(new Namespace(
                    codec.spec(r.getString("spec")).withDefaults(),
                    NamespaceState.PAUSED.name().equals(r.getString("state")),
                    Phase.READY.name().equals(r.getString("phase"))));
        }

        @Override
        public void counted(long replayed, long skipped) {
            Tags tags = Tags.of("namespace", job.namespace(), "kind", job.kind().name());
            metrics.counter("walgate_replay_entries_total", tags.and("outcome", "replayed"))
                    .increment(replayed);
            metrics.counter("walgate_replay_entries_total", tags.and("outcome", "skipped"))
                    .increment(skipped);
        }

        @Override
        public void finish(State state, String message) {
            jobs.finish(job.id(), owner, state, message)
                    .await()
                    .atMost(DB_WAIT)
                    .ifPresent(j -> Log.infof(
                            "replay job %s of namespace '%s' ended %s: %d matched, %d replayed, %d skipped, %d failed",
                            j.id(), j.namespace(), j.state(), j.matched(), j.replayed(), j.skipped(), j.failed()));
        }

        @Override
        public boolean await(Duration pause) {
            try {
                Thread.sleep(pause.toMillis());
                return !stopping;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
