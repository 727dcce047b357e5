package io.walgate.worker;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.walgate.consumers.engine.DeliveryEvents;
import io.walgate.contract.entry.Envelope;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-namespace delivery metrics: {@code walgate_delivery_apply_seconds{namespace,region,outcome,code}}
 * (apply latency; its count is applies by outcome: applied, retried, dead_lettered) and {@code
 * walgate_delivery_lateness_seconds{namespace,region}} (how long after its due time an entry was
 * applied: the delay ladder's and the worker's lag together).
 */
@ApplicationScoped
class DeliveryMetrics {
    private final MeterRegistry registry;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    DeliveryMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    DeliveryEvents forNamespace(String namespace, String region) {
        return new DeliveryEvents() {
            @Override
            public void attempted(Envelope entry, String outcome, String code, Duration took, Duration lateness) {
                timer("walgate.delivery.apply", namespace, region, "outcome", outcome, "code", code)
                        .record(took);
                if (entry.attempt() == 1) {
                    timer("walgate.delivery.lateness", namespace, region)
                            .record(lateness.isNegative() ? Duration.ZERO : lateness);
                }
            }
        };
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
