package io.walgate.adapter.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.walgate.adapter.spi.DeadLettered.Place;
import io.walgate.devstack.DevstackExtension;
import io.walgate.devstack.KafkaServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Dead letters read where the index says they are, against a real broker. */
@ExtendWith(DevstackExtension.class)
class KafkaDeadLetterQueueIT {
    private static KafkaServer kafka;
    private static String bootstrap;

    @BeforeAll
    static void connect(KafkaServer server) {
        kafka = server;
        bootstrap = server.bootstrapServers();
    }

    @Test
    void placesAcrossPartitionsAreReadAtOnceAndThoseNoLongerThereAreLeftOutNotAnError() throws Exception {
        String topic = "dlq-" + UUID.randomUUID();
        kafka.createTopic(topic, 3);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", bootstrap), new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < 1200; i++) {
                sent.add(producer.send(
                        new ProducerRecord<>(topic, i % 2, null, ("r" + i).getBytes(StandardCharsets.UTF_8))));
            }
            for (Future<RecordMetadata> each : sent) {
                each.get(60, TimeUnit.SECONDS); // every record at its offset, or the setup fails here
            }
        }

        try (KafkaDeadLetterQueue dlq = KafkaDeadLetterQueue.of(Map.of("bootstrap.servers", bootstrap))) {
            // Partition 0 holds r0, r2, …; partition 1 r1, r3, …; partition 2 nothing (a record there is gone).
            Map<Place, byte[]> read = dlq.read(
                    topic,
                    List.of(
                            Place.kafka(topic, 0, 3),
                            Place.kafka(topic, 0, 590), // more than a poll further on: a jump
                            Place.kafka(topic, 1, 0),
                            Place.kafka(topic, 2, 7),
                            Place.kafka(topic, 1, 10_000)));

            assertThat(read).hasSize(3);
            assertThat(new String(read.get(Place.kafka(topic, 0, 3)), StandardCharsets.UTF_8))
                    .isEqualTo("r6");
            assertThat(new String(read.get(Place.kafka(topic, 0, 590)), StandardCharsets.UTF_8))
                    .isEqualTo("r1180");
            assertThat(new String(read.get(Place.kafka(topic, 1, 0)), StandardCharsets.UTF_8))
                    .isEqualTo("r1");
            assertThat(dlq.read(topic, List.of(Place.kafka(topic, 2, 0))))
                    .as("nothing there")
                    .isEmpty();
        }
    }
}
