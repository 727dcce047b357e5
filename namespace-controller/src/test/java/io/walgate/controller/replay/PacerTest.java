package io.walgate.controller.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PacerTest {
    private long now;
    private final Pacer pacer = new Pacer(50, () -> now, nanos -> now += nanos);

    @Test
    void entriesAreSpacedEvenlyAtTheRateFromTheFirstOn() throws InterruptedException {
        long start = now;
        for (int i = 0; i < 101; i++) {
            pacer.acquire();
        }
        assertThat(now - start).as("100 gaps of 20 ms").isEqualTo(TimeUnit.SECONDS.toNanos(2));
    }

    @Test
    void timeLostBetweenBatchesIsMadeUpButALongPauseGivesNoBurst() throws InterruptedException {
        pacer.acquire();
        now += TimeUnit.MILLISECONDS.toNanos(60); // reading the next batch
        long before = now;
        pacer.acquire();
        pacer.acquire();
        assertThat(now - before).as("the 60 ms lost are made up").isEqualTo(0);

        now += TimeUnit.SECONDS.toNanos(30); // a paused namespace
        before = now;
        for (int i = 0; i < 11; i++) {
            pacer.acquire();
        }
        assertThat(now - before)
                .as("after a pause, the rate again: 10 gaps of 20 ms")
                .isEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
    }
}
