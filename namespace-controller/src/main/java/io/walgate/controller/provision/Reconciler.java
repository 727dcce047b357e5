package io.walgate.controller.provision;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.walgate.adapter.spi.LogProvisioner;
import io.walgate.adapter.spi.ProvisioningException;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.controller.ControllerConfig;
import io.walgate.controller.SpecCodec;
import io.walgate.controller.store.NamespaceRow;
import io.walgate.controller.store.NamespaceStore;
import io.walgate.controller.store.Phase;
import io.walgate.support.config.SettingNames;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Brings each namespace's backend in line with its spec, and removes the resources of deleted
 * namespaces after their grace period.
 *
 * <p>The phase is stored before any backend call is made, so a controller that stops half-way
 * finds the namespace still PROVISIONING (or DELETING) when it starts again and simply repeats the
 * idempotent call. A failure is recorded with its reason and retried with exponential backoff up to
 * {@code walgate.controller.max-retry-backoff}.
 */
@ApplicationScoped
public class Reconciler {
    private static final int BATCH = 16;

    private final NamespaceStore store;
    private final Provisioners provisioners;
    private final SpecCodec codec;
    private final ControllerConfig config;
    private final Vertx vertx;
    private final MeterRegistry metrics;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, AtomicLong> phaseCounts = new ConcurrentHashMap<>();

    Reconciler(
            NamespaceStore store,
            Provisioners provisioners,
            SpecCodec codec,
            ControllerConfig config,
            Vertx vertx,
            MeterRegistry metrics) {
        this.store = store;
        this.provisioners = provisioners;
        this.codec = codec;
        this.config = config;
        this.vertx = vertx;
        this.metrics = metrics;
        for (Phase phase : Phase.values()) {
            AtomicLong count = new AtomicLong();
            phaseCounts.put(phase.name(), count);
            metrics.gauge("walgate.controller.namespaces", Tags.of("phase", phase.name()), count);
        }
    }

    @Scheduled(
            every = "${" + SettingNames.CONTROLLER + "." + SettingNames.RECONCILE_INTERVAL + "}",
            delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return runOnce().onFailure().recoverWithItem(e -> {
            Log.warnf("reconcile round failed: %s", e.getMessage());
            return null;
        });
    }

    /** One round: every namespace due for work, one after the other. */
    public Uni<Void> runOnce() {
        return store.pending(clock.instant(), BATCH)
                .onItem()
                .transformToMulti(rows -> Multi.createFrom().iterable(rows))
                .onItem()
                .transformToUniAndConcatenate(this::handle)
                .collect()
                .last()
                .chain(this::updatePhaseCounts);
    }

    private Uni<Void> handle(NamespaceRow row) {
        NamespaceSpec spec = codec.spec(row.spec);
        LogProvisioner provisioner = provisioners.forBackend(spec.backend().type());
        if (Phase.DELETING.name().equals(row.phase)) {
            return vertx.executeBlocking(() -> {
                        provisioner.delete(spec);
                        return true;
                    })
                    .chain(() -> store.remove(row.name, row.version))
                    .invoke(removed -> {
                        count("deleted");
                        Log.infof("namespace %s: resources deleted, namespace removed", row.name);
                    })
                    .onFailure()
                    .recoverWithUni(e -> failed(row, "deleting resources failed: " + reason(e)))
                    .replaceWithVoid();
        }
        return vertx.executeBlocking(() -> provisioner.reconcile(spec))
                .chain(resources -> store.recordOutcome(
                        row.name, row.version, Phase.READY, null, codec.write(resources), 0, farFuture()))
                .invoke(recorded -> {
                    count("ready");
                    Log.infof("namespace %s version %d: backend ready", row.name, row.version);
                })
                .onFailure()
                .recoverWithUni(e -> failed(row, reason(e)))
                .replaceWithVoid();
    }

    private Uni<Boolean> failed(NamespaceRow row, String reason) {
        int attempts = row.attempts + 1;
        Duration backoff = backoff(attempts);
        count("failed");
        Log.warnf(
                "namespace %s version %d: attempt %d failed, next in %s: %s",
                row.name, row.version, attempts, backoff, reason);
        Phase phase = Phase.DELETING.name().equals(row.phase) ? Phase.DELETING : Phase.FAILED;
        return store.recordOutcome(
                row.name,
                row.version,
                phase,
                reason,
                row.resources,
                attempts,
                clock.instant().plus(backoff));
    }

    /** 1 s, 2 s, 4 s … up to the configured maximum. */
    Duration backoff(int attempts) {
        long seconds = 1L << Math.min(attempts - 1, 20);
        Duration d = Duration.ofSeconds(seconds);
        return d.compareTo(config.maxRetryBackoff()) > 0 ? config.maxRetryBackoff() : d;
    }

    private static String reason(Throwable e) {
        if (e instanceof ProvisioningException p) {
            return p.getMessage() + (p.retryable() ? "" : " (will not succeed until the spec changes)");
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private void count(String outcome) {
        metrics.counter("walgate.controller.reconciles", "outcome", outcome).increment();
    }

    private Uni<Void> updatePhaseCounts(Object ignored) {
        return store.countByPhase()
                .invoke(rows -> {
                    phaseCounts.values().forEach(c -> c.set(0));
                    for (Object[] r : rows) {
                        phaseCounts
                                .computeIfAbsent((String) r[0], k -> new AtomicLong())
                                .set((Long) r[1]);
                    }
                })
                .replaceWithVoid();
    }

    /** READY namespaces are not polled; a spec change sets the next attempt to now. */
    private static Instant farFuture() {
        return Instant.parse("9999-12-31T00:00:00Z");
    }
}
