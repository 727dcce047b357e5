package io.walgate.consumers.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.walgate.adapter.spi.HandClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StallWatchTest {
    private final HandClock clock = new HandClock();
    private final StallWatch watch = new StallWatch("orders (local)", clock);

    @Test
    void dueEntriesWaitingAMinuteWithoutProgressAreAStallThatNamesWhereAndWhy() {
        watch.failed("java.lang.IllegalStateException: cannot write to the dead-letter topic");
        watch.observe(12, "wal.orders-0@41");
        clock.advance(Duration.ofSeconds(59));
        watch.observe(12, "wal.orders-0@41");
        assertThat(watch.stalledFor()).isZero();

        clock.advance(Duration.ofSeconds(2));
        watch.observe(12, "wal.orders-0@41");
        assertThat(watch.stalledFor()).isEqualTo(Duration.ofSeconds(61));
        assertThat(watch.detail()).contains("wal.orders-0@41").contains("dead-letter topic");
    }

    @Test
    void progressEndsAStall() {
        watch.observe(3, "wal.orders-1@7");
        clock.advance(Duration.ofMinutes(5));
        watch.observe(3, "wal.orders-1@7");
        assertThat(watch.stalledFor()).isPositive();

        watch.progressed();
        assertThat(watch.stalledFor()).isZero();
    }

    @Test
    void aBacklogThatCannotBeCountedIsNoProgress() {
        watch.failed("org.apache.kafka.common.errors.TimeoutException: dead-letter topic unreachable");
        watch.observe(-1, "");
        clock.advance(Duration.ofMinutes(2));
        watch.observe(-1, "");
        assertThat(watch.stalledFor()).isEqualTo(Duration.ofMinutes(2));
        assertThat(watch.detail()).contains("dead-letter topic unreachable");
    }

    @Test
    void anIdleDeliveryOrOneWaitingOnlyForDelaysIsNeverStalled() {
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofMinutes(10));
            watch.observe(0, ""); // nothing due: lag of delayed entries is not counted as due
            assertThat(watch.stalledFor()).isZero();
        }
    }
}
