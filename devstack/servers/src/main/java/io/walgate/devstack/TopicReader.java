package io.walgate.devstack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a topic of the devstack's broker from its start, every partition, as a test checks what
 * landed there. Committed records only ({@code read_committed}); no consumer group, nothing
 * committed. Each call opens and closes its own consumer.
 */
public final class TopicReader {
    private static final Duration POLL = Duration.ofMillis(200);

    private final String bootstrapServers;

    TopicReader(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * The records {@code wanted} accepts, read from the start until {@code count} were found or
     * {@code timeout} passed (then fewer: the caller's assertion names what is missing).
     */
    public List<ConsumerRecord<byte[], byte[]>> find(
            String topic, Predicate<ConsumerRecord<byte[], byte[]>> wanted, int count, Duration timeout) {
        try (KafkaConsumer<byte[], byte[]> consumer = fromStart(topic)) {
            List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (found.size() < count && System.nanoTime() < deadline) {
                consumer.poll(POLL).forEach(r -> {
                    if (wanted.test(r)) {
                        found.add(r);
                    }
                });
            }
            return found;
        }
    }

    /**
     * Every record on {@code topic} up to its end as of this call.
     *
     * @throws IllegalStateException when the end was not reached within {@code timeout}
     */
    public List<ConsumerRecord<byte[], byte[]>> toEnd(String topic, Duration timeout) {
        try (KafkaConsumer<byte[], byte[]> consumer = fromStart(topic)) {
            Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
            List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end in " + timeout);
                }
                consumer.poll(POLL).forEach(read::add);
            }
            return read;
        }
    }

    private KafkaConsumer<byte[], byte[]> fromStart(String topic) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of("bootstrap.servers", bootstrapServers, "isolation.level", "read_committed"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }
}
