package io.walgate.adapter.kafka.read;

import static org.assertj.core.api.Assertions.assertThat;

import io.walgate.adapter.spi.HandClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class DeadLetterProbeTest {
    private static final Duration EVERY = Duration.ofSeconds(10);

    private final HandClock clock = new HandClock();
    private final List<CompletableFuture<Long>> asks = new ArrayList<>();
    private final DeadLetterProbe probe = new DeadLetterProbe(
            () -> {
                CompletableFuture<Long> ask = new CompletableFuture<>();
                asks.add(ask);
                return ask;
            },
            clock,
            EVERY);

    @Test
    void aReportNeverWaitsForTheBrokerAndSaysUnknownUntilItFirstAnswers() {
        assertThat(probe.latest()).isEqualTo(-1);
        assertThat(asks).hasSize(1);

        asks.get(0).complete(7L);

        assertThat(probe.answered()).as("the answer is worth a report now").isTrue();
        assertThat(probe.latest()).isEqualTo(7);
        assertThat(probe.answered()).isFalse();
    }

    @Test
    void aBrokerThatDoesNotAnswerCostsOneOpenAskNotOnePerReport() {
        for (int i = 0; i < 5; i++) {
            probe.latest();
            clock.advance(EVERY);
        }

        assertThat(asks).hasSize(1);
    }

    @Test
    void itAsksAgainOncePerIntervalNotOncePerReport() {
        probe.latest();
        asks.get(0).complete(2L);
        probe.latest();
        probe.latest();
        assertThat(asks).hasSize(1);

        clock.advance(EVERY);
        assertThat(probe.latest()).isEqualTo(2);
        assertThat(asks).hasSize(2);
        asks.get(1).complete(5L);

        assertThat(probe.latest()).isEqualTo(5);
    }

    @Test
    void aFailedAskMakesTheDepthUnknownAgainRatherThanStale() {
        probe.latest();
        asks.get(0).complete(4L);
        clock.advance(EVERY);
        probe.latest();
        asks.get(1).completeExceptionally(new IllegalStateException("topic gone"));

        assertThat(probe.latest()).isEqualTo(-1);
    }

    @Test
    void anAskThatThrowsIsCountedAsFailedAndAskedAgainNextInterval() {
        int[] calls = {0};
        DeadLetterProbe throwing = new DeadLetterProbe(
                () -> {
                    calls[0]++;
                    throw new IllegalStateException("closed");
                },
                clock,
                EVERY);

        assertThat(throwing.latest()).isEqualTo(-1);
        clock.advance(EVERY);
        assertThat(throwing.latest()).isEqualTo(-1);
        assertThat(calls[0]).isEqualTo(2);
    }
}
