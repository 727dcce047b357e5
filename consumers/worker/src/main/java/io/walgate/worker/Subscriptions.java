package io.walgate.worker;

import io.quarkus.logging.Log;
import io.walgate.adapter.spi.Subscription;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.NamespaceState;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One delivery per namespace this worker serves: of its shard, ACTIVE, with a target endpoint in
 * its region. Started, restarted (on a spec change) and stopped as the change feed says; pausing a
 * namespace stops its delivery, resuming starts it again where it left off (the consumer group's
 * committed offsets, or the messages still in the queue).
 */
final class Subscriptions implements AutoCloseable {

    private record Running(NamespaceSpec spec, Subscription subscription) {}

    /** How long a stop waits for a delivery to settle the entries in hand. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private final String shard;
    private final String region;
    private final Function<NamespaceSpec, Subscription> deliveries;
    /** Told of a namespace this worker stopped serving (not of a restart). */
    private final Consumer<String> noLongerServed;

    private final Map<String, Running> running = new HashMap<>();
    /** Namespaces whose delivery could not start (a bad endpoint, a backend down), tried again. */
    private final Map<String, NamespaceSpec> failed = new HashMap<>();

    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "delivery-restarts");
        t.setDaemon(true);
        return t;
    });

    Subscriptions(
            String shard,
            String region,
            Function<NamespaceSpec, Subscription> deliveries,
            Consumer<String> noLongerServed) {
        this.shard = shard;
        this.region = region;
        this.deliveries = deliveries;
        this.noLongerServed = noLongerServed;
        retries.scheduleWithFixedDelay(this::retryFailed, 30, 30, TimeUnit.SECONDS);
    }

    private synchronized void retryFailed() {
        List.copyOf(failed.values()).forEach(this::changed);
    }

    /** Brings the namespace's delivery in line with its spec. */
    synchronized void changed(NamespaceSpec spec) {
        Running current = running.get(spec.name());
        boolean wanted = serves(spec);
        boolean served = current != null || failed.containsKey(spec.name());
        if (current != null && (!wanted || !current.spec().equals(spec))) {
            stop(current);
            running.remove(spec.name());
            current = null;
        }
        if (served && !wanted) {
            noLongerServed.accept(spec.name());
        }
        failed.remove(spec.name());
        if (wanted && current == null) {
            try {
                running.put(spec.name(), start(spec));
            } catch (RuntimeException e) {
                // Never lose a namespace to one bad start: the feed will not say it again.
                failed.put(spec.name(), spec);
                Log.errorf(
                        "cannot deliver namespace %s in region %s; trying again in 30 s: %s",
                        spec.name(), region, e.toString());
            }
        }
    }

    private boolean serves(NamespaceSpec spec) {
        return spec.shard().equals(shard)
                && spec.state() == NamespaceState.ACTIVE
                && spec.target().regions().containsKey(region);
    }

    private Running start(NamespaceSpec spec) {
        Subscription subscription = deliveries.apply(spec);
        Log.infof(
                "delivering namespace %s (%s) to its %s target in region %s",
                spec.name(), spec.backend().type(), spec.target().type(), region);
        return new Running(spec, subscription);
    }

    private static void stop(Running r) {
        r.subscription().stop();
        awaitStopped(r, Instant.now().plus(STOP_WAIT));
    }

    private static void awaitStopped(Running r, Instant deadline) {
        try {
            Duration left = Duration.between(Instant.now(), deadline);
            if (!r.subscription().awaitStopped(left.isNegative() ? Duration.ZERO : left)) {
                Log.warnf(
                        "the delivery of namespace %s has not stopped after %d s (a slow target?); it stops"
                                + " once the entries in hand are settled",
                        r.spec().name(), STOP_WAIT.toSeconds());
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Log.infof("stopped delivering namespace %s", r.spec().name());
    }

    /**
     * Stops every delivery at once, then waits for them under one deadline: a shutdown takes the
     * longest one (at most 30 s), not the sum.
     */
    @Override
    public synchronized void close() {
        retries.shutdownNow();
        running.values().forEach(r -> r.subscription().stop());
        Instant deadline = Instant.now().plus(STOP_WAIT);
        running.values().forEach(r -> awaitStopped(r, deadline));
        running.clear();
    }
}
