package io.walgate.controller;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.walgate.controller.store.DeadLetterStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Dead letters per namespace and region, from the index, every 30 s: {@code
 * walgate_dead_letters{namespace,region}} (not discarded) and {@code
 * walgate_dead_letter_oldest_age_seconds{namespace,region}} (how long ago the oldest died, at the
 * time of the scrape). A namespace and region without dead letters has no series. The worker's
 * {@code walgate_delivery_dead_letters} is the DLQ's own depth (Kafka: what retention kept,
 * discarded ones included).
 */
@ApplicationScoped
public class DeadLetterMetrics {
    private final DeadLetterStore store;
    private final MeterRegistry registry;
    private final Clock clock = Clock.systemUTC();
    private final Map<Tags, Oldest> series = new HashMap<>();

    /** What the gauges of one namespace and region read. */
    private static final class Oldest {
        volatile long count;
        volatile Instant deadAt;
        final List<Meter> meters;

        Oldest(Tags tags, long count, Instant deadAt, MeterRegistry registry, Clock clock) {
            this.count = count;
            this.deadAt = deadAt;
            this.meters = List.of(
                    Gauge.builder("walgate_dead_letters", this, o -> o.count)
                            .tags(tags)
                            .description("dead letters in the index, not discarded")
                            .register(registry),
                    Gauge.builder(
                                    "walgate_dead_letter_oldest_age_seconds",
                                    this,
                                    o -> Duration.between(o.deadAt, clock.instant())
                                                    .toMillis()
                                            / 1000.0)
                            .tags(tags)
                            .description("how long ago the oldest dead letter died")
                            .register(registry));
        }
    }

    DeadLetterMetrics(DeadLetterStore store, MeterRegistry registry) {
        this.store = store;
        this.registry = registry;
    }

    @Scheduled(every = "30s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        return store.summaries()
                .invoke(this::update)
                .replaceWithVoid()
                .onFailure()
                .recoverWithItem(e -> {
                    Log.warnf("dead-letter metrics not refreshed: %s", e.getMessage());
                    return null;
                });
    }

    synchronized void update(List<Object[]> rows) {
        Set<Tags> seen = new HashSet<>();
        for (Object[] row : rows) {
            Tags tags = Tags.of("namespace", (String) row[0], "region", (String) row[1]);
            seen.add(tags);
            long count = ((Number) row[2]).longValue();
            Instant deadAt = (Instant) row[3];
            Oldest oldest = series.computeIfAbsent(tags, t -> new Oldest(t, count, deadAt, registry, clock));
            oldest.deadAt = deadAt;
            oldest.count = count;
        }
        series.entrySet().removeIf(e -> {
            if (seen.contains(e.getKey())) {
                return false;
            }
            e.getValue().meters.forEach(registry::remove);
            return true;
        });
    }
}
