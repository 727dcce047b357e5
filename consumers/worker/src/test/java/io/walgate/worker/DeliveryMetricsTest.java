package io.walgate.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.walgate.consumers.engine.DeliveryEvents;
import io.walgate.contract.EntryId;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.Lifecycle;
import io.walgate.contract.entry.TargetOp;
import io.walgate.contract.entry.TargetOverride;
import io.walgate.contract.entry.WriteRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeliveryMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final DeliveryMetrics metrics = new DeliveryMetrics(registry);

    @Test
    void aNamespaceNoLongerServedLosesItsSeriesAndTheOthersKeepTheirs() {
        report(metrics.forNamespace("orders", "eu"));
        report(metrics.forNamespace("payments", "eu"));
        assertThat(metrics.stalled()).containsKeys("orders (eu)", "payments (eu)");

        metrics.forget("orders", "eu");

        assertThat(registry.getMeters())
                .extracting(m -> m.getId().getTag("namespace"))
                .containsOnly("payments");
        assertThat(metrics.stalled()).containsOnlyKeys("payments (eu)");
    }

    @Test
    void aNamespaceServedAgainReportsAfreshNotAFrozenValue() {
        DeliveryEvents before = metrics.forNamespace("orders", "eu");
        before.backlog(500, 3);
        metrics.forget("orders", "eu");

        metrics.forNamespace("orders", "eu").backlog(7, 0);

        assertThat(registry.get("walgate.delivery.lag.entries")
                        .tag("namespace", "orders")
                        .gauge()
                        .value())
                .isEqualTo(7);
        assertThat(registry.getMeters()).extracting(Meter::getId).doesNotHaveDuplicates();
    }

    @Test
    void aDeliveryStillEndingAfterItsNamespaceWasForgottenDoesNotBringItsSeriesBack() {
        DeliveryEvents ending = metrics.forNamespace("orders", "eu");
        report(ending);

        metrics.forget("orders", "eu");
        report(ending); // its thread outlived the 30 s the worker waits for a stop

        assertThat(registry.getMeters()).isEmpty();
        assertThat(metrics.stalled()).isEmpty();
    }

    @Test
    void aRestartedDeliveryReportsToTheSameSeries() {
        report(metrics.forNamespace("orders", "eu"));

        report(metrics.forNamespace("orders", "eu")); // a spec change restarts it

        assertThat(registry.get("walgate.delivery.apply")
                        .tag("namespace", "orders")
                        .timer()
                        .count())
                .isEqualTo(2);
    }

    private static Envelope entry() {
        Instant now = Instant.parse("2026-12-03T10:00:00Z");
        WriteRequest write = new WriteRequest(
                "orders",
                Lifecycle.immediate(),
                new byte[] {1},
                new TargetOverride("k", TargetOp.PUT, Map.of()),
                "k",
                null,
                Map.of(),
                "text/plain");
        return Envelope.accept(write, new EntryId.Generator().next(), now, now, null);
    }

    private static void report(DeliveryEvents events) {
        events.attempted(entry(), "applied", "OK", Duration.ofMillis(3), Duration.ofMillis(10));
        events.backlog(12, 1);
        events.stall(Duration.ofSeconds(40), "partition 0@17");
        events.lost("wal.x-0", 2);
    }
}
