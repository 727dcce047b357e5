package io.walgate.adapter.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaClientConfigsTest {
    /** What an operator might set, including the settings that would lose or skip entries. */
    private static final Map<String, Object> OPERATOR = Map.of(
            "bootstrap.servers",
            "kafka:9092",
            "enable.auto.commit",
            true,
            "auto.offset.reset",
            "earliest",
            "group.id",
            "shared",
            "acks",
            "1",
            "enable.idempotence",
            false,
            "session.timeout.ms",
            30_000,
            "linger.ms",
            20);

    @Test
    void aDeliveryConsumerNeverAutoCommitsNorResetsQuietlyAndJoinsItsShardsGroupCooperatively() {
        Map<String, Object> consumer = KafkaClientConfigs.deliveryConsumer(OPERATOR, "payments", "eu");

        assertThat(consumer)
                .containsEntry("enable.auto.commit", false)
                .containsEntry("auto.offset.reset", "none")
                .containsEntry("group.id", KafkaAdapters.deliveryGroup("payments", "eu"))
                .containsEntry(
                        "partition.assignment.strategy", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor")
                .containsEntry("bootstrap.servers", "kafka:9092");
    }

    @Test
    void aShardsGroupIsNeverTheFormerGroupOfANamespaceNamedLikeIt() {
        assertThat(KafkaAdapters.deliveryGroup("default", "eu"))
                .isNotEqualTo(KafkaAdapters.formerDeliveryGroup("default", "eu"));
    }

    @Test
    void operatorSettingsWinOverDefaultsButNeverOverDurability() {
        Map<String, Object> consumer = KafkaClientConfigs.deliveryConsumer(OPERATOR, "orders", "eu");
        Map<String, Object> appender = KafkaClientConfigs.appender(OPERATOR);
        Map<String, Object> deadLetters = KafkaClientConfigs.deadLetterProducer(OPERATOR);

        assertThat(consumer).containsEntry("session.timeout.ms", 30_000);
        assertThat(appender).containsEntry("linger.ms", 20);
        for (Map<String, Object> producer : List.of(appender, deadLetters)) {
            assertThat(producer).containsEntry("acks", "all").containsEntry("enable.idempotence", true);
        }
    }

    @Test
    void withoutOperatorSettingsAWorkerKilledHardIsReplacedWithinTenSeconds() {
        Map<String, Object> consumer =
                KafkaClientConfigs.deliveryConsumer(Map.of("bootstrap.servers", "kafka:9092"), "orders", "eu");

        assertThat(consumer).containsEntry("session.timeout.ms", 10_000);
    }

    @Test
    void aDeadLetterSendEndsWithinTheMinuteTheDeliveryWaitsForIt() {
        Map<String, Object> deadLetters =
                KafkaClientConfigs.deadLetterProducer(Map.of("bootstrap.servers", "kafka:9092"));

        long worstCase = ((Number) deadLetters.get("max.block.ms")).longValue()
                + ((Number) deadLetters.get("delivery.timeout.ms")).longValue();
        assertThat(worstCase).isLessThan(60_000);
    }

    @Test
    void theOperatorsSettingsAreNotChanged() {
        Map<String, Object> base = new HashMap<>(OPERATOR);

        KafkaClientConfigs.deliveryConsumer(base, "orders", "eu");
        KafkaClientConfigs.appender(base);
        KafkaClientConfigs.deadLetterProducer(base);

        assertThat(base).isEqualTo(OPERATOR);
    }
}
