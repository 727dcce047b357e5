package io.walgate.adapter.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class KafkaDelayTiersTest {

    @Test
    void anEntryWaitsInTheLargestTierNotLongerThanWhatIsLeft() {
        assertThat(KafkaDelayTiers.tierFor(Duration.ofMillis(999))).isEmpty();
        assertThat(KafkaDelayTiers.tierFor(Duration.ofSeconds(1))).contains(Duration.ofSeconds(1));
        assertThat(KafkaDelayTiers.tierFor(Duration.ofSeconds(29))).contains(Duration.ofSeconds(5));
        assertThat(KafkaDelayTiers.tierFor(Duration.ofMinutes(59))).contains(Duration.ofMinutes(10));
        assertThat(KafkaDelayTiers.tierFor(Duration.ofDays(7))).contains(Duration.ofHours(6));
        assertThat(KafkaDelayTiers.tierFor(Duration.ofSeconds(-5)))
                .as("overdue")
                .isEmpty();
    }

    @Test
    void tierTopicsAreNamedByTheirDuration() {
        assertThat(KafkaDelayTiers.TIERS)
                .extracting(t -> KafkaDelayTiers.topicName("wal.orders", t))
                .containsExactly(
                        "wal.orders.delay.1s",
                        "wal.orders.delay.5s",
                        "wal.orders.delay.30s",
                        "wal.orders.delay.2m",
                        "wal.orders.delay.10m",
                        "wal.orders.delay.1h",
                        "wal.orders.delay.6h");
    }

    @Test
    void aNamespaceIsDeliveredFromItsLogFirstThenEveryTier() {
        assertThat(KafkaDelayTiers.deliveredTopics("wal.orders"))
                .hasSize(1 + KafkaDelayTiers.TIERS.size())
                .startsWith("wal.orders", "wal.orders.delay.1s")
                .endsWith("wal.orders.delay.6h");
    }
}
