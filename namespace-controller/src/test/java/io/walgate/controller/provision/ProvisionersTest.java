package io.walgate.controller.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walgate.adapter.kafka.KafkaTopicSettings;
import io.walgate.controller.ControllerConfig;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ProvisionersTest {

    @Test
    void theShippedDefaultsLeaveReplicationToTheClusterAndKeepAWeekAndThirtyDays() {
        KafkaTopicSettings settings =
                Provisioners.topicSettings(kafka(OptionalInt.empty(), OptionalInt.empty(), "P7D", "P30D"));

        assertThat(settings).isEqualTo(KafkaTopicSettings.defaults());
    }

    @Test
    void minusOneKeepsDeadLettersForever() {
        KafkaTopicSettings settings =
                Provisioners.topicSettings(kafka(OptionalInt.of(3), OptionalInt.of(2), "P14D", "-1"));

        assertThat(settings.deadLetterRetention()).isEmpty();
        assertThat(settings.retention()).contains(Duration.ofDays(14));
        assertThat(settings.replicationFactor()).hasValue(3);
    }

    @Test
    void aRetentionThatIsNotAnIsoDurationIsRefusedNamingTheSettings() {
        assertThatThrownBy(() ->
                        Provisioners.topicSettings(kafka(OptionalInt.empty(), OptionalInt.empty(), "7 days", "P30D")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("walgate.controller.kafka")
                .hasMessageContaining("retention");
    }

    @Test
    void moreInSyncCopiesThanCopiesIsRefusedBecauseEveryWriteWouldFail() {
        assertThatThrownBy(() -> Provisioners.topicSettings(kafka(OptionalInt.of(1), OptionalInt.of(2), "P7D", "P30D")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("min.insync.replicas");
    }

    private static ControllerConfig.Kafka kafka(
            OptionalInt replicationFactor, OptionalInt minInsync, String retention, String deadLetterRetention) {
        return new ControllerConfig.Kafka() {
            @Override
            public String bootstrapServers() {
                return "127.0.0.1:9092";
            }

            @Override
            public Map<String, String> admin() {
                return Map.of();
            }

            @Override
            public OptionalInt replicationFactor() {
                return replicationFactor;
            }

            @Override
            public OptionalInt minInsyncReplicas() {
                return minInsync;
            }

            @Override
            public String retention() {
                return retention;
            }

            @Override
            public String deadLetterRetention() {
                return deadLetterRetention;
            }
        };
    }
}
