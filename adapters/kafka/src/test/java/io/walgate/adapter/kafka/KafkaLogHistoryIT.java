package io.walgate.adapter.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.walgate.devstack.DevstackExtension;
import io.walgate.devstack.KafkaServer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A log read by time for a log replay, against a real broker. */
@ExtendWith(DevstackExtension.class)
class KafkaLogHistoryIT {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static KafkaServer kafka;
    private static String bootstrap;

    @BeforeAll
    static void connect(KafkaServer server) {
        kafka = server;
        bootstrap = server.bootstrapServers();
    }

    @Test
    void aRangeIsReadInSmallBatchesAcrossPartitionsWithEveryRecordOnceAndNoneOutsideIt() throws Exception {
        String topic = "history-" + UUID.randomUUID();
        kafka.createTopic(topic, 3);
        // Minute i holds records "i-a" and "i-b", on partitions by key.
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", bootstrap), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 20; i++) {
                for (String s : List.of("a", "b")) {
                    producer.send(new ProducerRecord<>(
                                    topic,
                                    null,
                                    T0.plusSeconds(60L * i).toEpochMilli(),
                                    ("k" + i + s).getBytes(StandardCharsets.UTF_8),
                                    (i + "-" + s).getBytes(StandardCharsets.UTF_8)))
                            .get(30, TimeUnit.SECONDS);
                }
            }
        }

        try (KafkaLogHistory history = KafkaLogHistory.of(Map.of("bootstrap.servers", bootstrap))) {
            // Minutes 5 to 14: 20 records.
            KafkaLogHistory.Range range = history.range(topic, T0.plusSeconds(300), T0.plusSeconds(900));
            assertThat(range.records()).isEqualTo(20);
            assertThat(range.goneBefore()).isEmpty();
            Map<Integer, Long> next = new HashMap<>(range.first());
            List<String> read = new ArrayList<>();
            List<KafkaLogHistory.Logged> batch;
            int calls = 0;
            while (!(batch = history.read(topic, next, range.end(), 3)).isEmpty()) {
                assertThat(batch).hasSizeLessThanOrEqualTo(3);
                batch.forEach(l -> read.add(new String(l.value(), StandardCharsets.UTF_8)));
                calls++;
            }

            List<String> expected = new ArrayList<>();
            for (int i = 5; i < 15; i++) {
                expected.add(i + "-a");
                expected.add(i + "-b");
            }
            assertThat(read).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(calls).isGreaterThanOrEqualTo(7);
            assertThat(next).isEqualTo(range.end());
        }
    }
}
