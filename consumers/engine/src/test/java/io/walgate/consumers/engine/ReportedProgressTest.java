package io.walgate.consumers.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.walgate.adapter.spi.HandClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportedProgressTest {
    private final HandClock clock = new HandClock();

    @Test
    void dueEntriesThatDoNotMoveForAMinuteAreReportedAsAStallUntilACommit() {
        List<Duration> stalls = new ArrayList<>();
        ReportedProgress progress = new ReportedProgress(
                "orders (eu)",
                new DeliveryEvents() {
                    @Override
                    public void stall(Duration stalledFor, String detail) {
                        stalls.add(stalledFor);
                    }
                },
                clock);

        progress.position(12, "wal.orders-0@41");
        clock.advance(StallWatch.AFTER.plusSeconds(1));
        progress.failed("cannot write to the dead-letter topic");
        progress.position(12, "wal.orders-0@41");
        progress.progressed();
        progress.position(0, "");

        assertThat(stalls).hasSize(3);
        assertThat(stalls.get(0)).isZero();
        assertThat(stalls.get(1)).isPositive();
        assertThat(stalls.get(2)).as("moving again").isZero();
    }

    @Test
    void metricsCodeThatThrowsNeverReachesTheSubscription() {
        ReportedProgress progress = new ReportedProgress(
                "orders (eu)",
                new DeliveryEvents() {
                    @Override
                    public void backlog(long lag, long deadLetters) {
                        throw new IllegalStateException("a gauge broke");
                    }

                    @Override
                    public void stall(Duration stalledFor, String detail) {
                        throw new ArithmeticException("long overflow");
                    }

                    @Override
                    public void lost(String where, long count) {
                        throw new IllegalStateException("a counter broke");
                    }
                },
                clock);

        assertThatCode(() -> {
                    progress.position(3, "wal.orders-0@1");
                    progress.backlog(3, 0);
                    progress.lost("wal.orders-0", 9);
                })
                .doesNotThrowAnyException();
    }
}
