package io.walgate.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The devstack's broker is a real Kafka: acks=all writes survive a kill -9 and a restart. */
class KafkaServerIT {
    private static Devstack devstack;
    private static KafkaServer kafka;

    @BeforeAll
    static void startOwnBroker() {
        // Its own devstack: this test kills the broker, which must not hurt other tests.
        devstack = Devstack.builder(Path.of("target", "devstack-kafka-kill"))
                .with(Component.KAFKA)
                .randomPorts()
                .fresh()
                .build();
        devstack.start();
        kafka = devstack.kafka();
    }

    @AfterAll
    static void stop() {
        devstack.close();
    }

    @Test
    void acknowledgedRecordsSurviveAKillMinus9AndARestart() throws Exception {
        createTopic("survivors", 3);
        List<String> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = producer(Duration.ofSeconds(30))) {
            for (int i = 0; i < 200; i++) {
                String value = "entry-" + i;
                producer.send(new ProducerRecord<>("survivors", "key-" + (i % 7), value))
                        .get(30, TimeUnit.SECONDS);
                sent.add(value);
            }
        }
        long pidBefore = kafka.pid().orElseThrow();

        kafka.kill();
        assertThat(ProcessHandle.of(pidBefore).map(ProcessHandle::isAlive).orElse(false))
                .as("the broker process is gone after kill -9")
                .isFalse();
        kafka.start();

        assertThat(kafka.pid().orElseThrow()).isNotEqualTo(pidBefore);
        assertThat(readAll("survivors", sent.size())).containsExactlyInAnyOrderElementsOf(sent);
    }

    @Test
    void aSendWhileTheBrokerIsDownFailsInsteadOfPretendingSuccess() throws Exception {
        createTopic("while-down", 1);
        try (KafkaProducer<String, String> producer = producer(Duration.ofSeconds(3))) {
            producer.send(new ProducerRecord<>("while-down", "k", "before")).get(30, TimeUnit.SECONDS);
            kafka.kill();
            try {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>("while-down", "k", "during"))
                                .get(30, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class);
            } finally {
                kafka.start();
            }
        }
        assertThat(readAll("while-down", 1)).containsExactly("before");
    }

    private static void createTopic(String name, int partitions) {
        kafka.createTopic(name, partitions);
    }

    private static KafkaProducer<String, String> producer(Duration deliveryTimeout) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(deliveryTimeout.toMillis()));
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(deliveryTimeout.toMillis()));
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    private static List<String> readAll(String topic, int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + topic + "-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
            // One more poll: anything beyond the expected count would be a duplicate or a ghost.
            consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
        }
        return values;
    }
}
