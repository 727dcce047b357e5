package io.walgate.consumers.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class StallWatchTest {
    /** A clock the test moves by hand. */
    private static final class HandClock extends Clock {
        private Instant now = Instant.parse("2026-12-02T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

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
