package io.walgate.worker;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.walgate.consumers.engine.DeliveryEvents;
import io.walgate.contract.entry.Envelope;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-namespace delivery metrics: {@code walgate_delivery_apply_seconds{namespace,region,outcome,code}}
 * (apply latency; its count is applies by outcome: applied, retried, dead_lettered) and {@code
 * walgate_delivery_lateness_seconds{namespace,region}} (how long after its due time an entry was
 * applied: the delay ladder's and the worker's lag together), and the gauges {@code
 * walgate_delivery_lag_entries{namespace,region}} (entries not yet applied) and {@code
 * walgate_delivery_dead_letters{namespace,region}} (the DLQ's depth, asked off the delivery thread), refreshed every 10 s; -1 when
 * the backend could not say, and {@code walgate_delivery_stalled_seconds{namespace,region}} (how long
 * due entries have waited without any progress; 0 while it flows); the counter {@code
 * walgate_delivery_lost_entries_total{namespace,region}} counts entries that retention deleted
 * before they were delivered. When this worker stops serving a namespace (deleted, paused, moved to
 * another shard, no target in its region) its series go ({@link #forget}); a restart on a spec
 * change keeps them.
 */
@ApplicationScoped
class DeliveryMetrics {
    private final MeterRegistry registry;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();
    /** The events of the delivery last started per (namespace, region). */
    private final Map<String, Reporter> reporters = new ConcurrentHashMap<>();
    /** Stalled deliveries, "namespace (region)" → what their stall watch says; for the health check. */
    private final Map<String, String> stalled = new ConcurrentHashMap<>();
    /** Durations past this are recorded as this: a timer's nanoseconds overflow at 292 years. */
    private static final Duration LONGEST = Duration.ofDays(365L * 100);

    DeliveryMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    DeliveryEvents forNamespace(String namespace, String region) {
        Reporter reporter = new Reporter(namespace, region);
        reporters.put(key(namespace, region), reporter);
        return reporter;
    }

    /** One delivery's events; silent once its namespace is forgotten. */
    private final class Reporter implements DeliveryEvents {
        private final String namespace;
        private final String region;
        /** Set by {@link #forget}: a delivery still ending must not bring the series back. */
        private volatile boolean retired;

        Reporter(String namespace, String region) {
            this.namespace = namespace;
            this.region = region;
        }

        @Override
        public void attempted(Envelope entry, String outcome, String code, Duration took, Duration lateness) {
            if (retired) {
                return;
            }
            timer("walgate.delivery.apply", namespace, region, "outcome", outcome, "code", code)
                    .record(bounded(took));
            if (entry.attempt() == 1) {
                timer("walgate.delivery.lateness", namespace, region).record(bounded(lateness));
            }
        }

        @Override
        public void backlog(long lag, long deadLetters) {
            if (retired) {
                return;
            }
            gauge("walgate.delivery.lag.entries", namespace, region).set(lag);
            gauge("walgate.delivery.dead.letters", namespace, region).set(deadLetters);
        }

        @Override
        public void stall(Duration stalledFor, String detail) {
            if (retired) {
                return;
            }
            gauge("walgate.delivery.stalled.seconds", namespace, region).set(stalledFor.toSeconds());
            String name = namespace + " (" + region + ")";
            if (stalledFor.isZero()) {
                stalled.remove(name);
            } else {
                stalled.put(name, "stalled for " + stalledFor.toSeconds() + " s " + detail);
            }
        }

        @Override
        public void lost(String where, long count) {
            if (retired) {
                return;
            }
            registry.counter("walgate.delivery.lost.entries", "namespace", namespace, "region", region)
                    .increment(count);
        }
    }

    private static String key(String namespace, String region) {
        return namespace + '\u0000' + region;
    }

    /**
     * Removes every series of {@code namespace} in {@code region}: a namespace this worker no longer
     * serves must not show a lag, a stall or a DLQ depth frozen at its last report.
     */
    void forget(String namespace, String region) {
        Reporter reporter = reporters.remove(key(namespace, region));
        if (reporter != null) {
            reporter.retired = true;
        }
        for (Meter meter : registry.getMeters()) {
            Meter.Id id = meter.getId();
            if (id.getName().startsWith("walgate.delivery.")
                    && namespace.equals(id.getTag("namespace"))
                    && region.equals(id.getTag("region"))) {
                registry.remove(meter);
            }
        }
        String infix = '\u0000' + namespace + '\u0000' + region;
        timers.keySet().removeIf(key -> key.contains(infix + '\u0000') || key.endsWith(infix));
        gauges.keySet().removeIf(key -> key.endsWith(infix));
        stalled.remove(namespace + " (" + region + ")");
    }

    /** Stalled deliveries and why, for the health check. */
    Map<String, String> stalled() {
        return Map.copyOf(stalled);
    }

    private static Duration bounded(Duration d) {
        return d.isNegative() ? Duration.ZERO : d.compareTo(LONGEST) > 0 ? LONGEST : d;
    }

    private AtomicLong gauge(String name, String namespace, String region) {
        return gauges.computeIfAbsent(name + '\u0000' + namespace + '\u0000' + region, k -> {
            AtomicLong value = new AtomicLong(-1);
            Gauge.builder(name, value, AtomicLong::get)
                    .tag("namespace", namespace)
                    .tag("region", region)
                    .register(registry);
            return value;
        });
    }

    private Timer timer(String name, String namespace, String region, String... tags) {
        String key = name + '\u0000' + namespace + '\u0000' + region + '\u0000' + String.join("\u0000", tags);
        return timers.computeIfAbsent(
                key,
                k -> Timer.builder(name)
                        .tag("namespace", namespace)
                        .tag("region", region)
                        .tags(tags)
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(1))
                        .maximumExpectedValue(Duration.ofMinutes(10))
                        .register(registry));
    }
}
