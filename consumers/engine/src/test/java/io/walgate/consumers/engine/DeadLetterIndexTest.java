package io.walgate.consumers.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.walgate.adapter.spi.DeadLettered;
import io.walgate.adapter.spi.HandClock;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The index's failure rules, against a database that is not there (no server needed). */
class DeadLetterIndexTest {
    private final HandClock clock = new HandClock();

    private static DeadLettered letter(String id) {
        return new DeadLettered(
                "orders",
                "local",
                id,
                "pk",
                "k",
                null,
                null,
                "HTTP_400",
                "bad",
                1,
                null,
                Instant.EPOCH,
                DeadLettered.Place.kafka("wal.orders.dlq", 0, 7));
    }

    /** A loopback port nobody listens on: connecting is refused at once. */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void aDatabaseThatIsDownCostsOneTryPerPauseNotOnePerLetter() throws Exception {
        try (DeadLetterIndex index =
                new DeadLetterIndex("jdbc:postgresql://127.0.0.1:" + closedPort() + "/walgate_controller", clock)) {
            assertThat(index.record(letter("a"))).isFalse();
            assertThat(index.record(letter("b"))).isFalse();
            assertThat(index.record(letter("c"))).isFalse();

            assertThat(index.failures()).as("every letter missed is counted").isEqualTo(3);
            assertThat(index.connects()).as("tried once, then paused").isEqualTo(1);

            clock.advance(DeadLetterIndex.PAUSE_AFTER_FAILURE.plus(Duration.ofSeconds(1)));
            assertThat(index.record(letter("d"))).isFalse();
            assertThat(index.connects()).as("tried again after the pause").isEqualTo(2);
        }
    }

    @Test
    void textPostgresqlCannotHoldIsMadeStorable() {
        assertThat(DeadLetterIndex.text("a\0b")).isEqualTo("a\uFFFDb");
        String longMessage = "x".repeat(DeadLetterIndex.MAX_MESSAGE - 1) + "\uD83D\uDE00" + "tail";
        assertThat(DeadLetterIndex.cut(longMessage))
                .as("cut before a surrogate pair, not inside it")
                .hasSize(DeadLetterIndex.MAX_MESSAGE - 1);
    }
}
