package io.walgate.gateway;

import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.EnvelopeCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads a topic from the start, as a worker would, and decodes the envelopes. */
final class LogReader {
    private LogReader() {}

    /** The envelopes on {@code topic} that {@code wanted} accepts, once {@code count} were found or time ran out. */
    static List<Envelope> read(String topic, int count, Predicate<Envelope> wanted) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of("bootstrap.servers", GatewayDevstack.devstack().kafka().bootstrapServers()),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<Envelope> found = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (found.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    Envelope e = EnvelopeCodec.decode(r.value());
                    if (wanted.test(e)) {
                        found.add(e);
                    }
                });
            }
            return found;
        }
    }

    /** Every envelope on {@code topic} that {@code wanted} accepts, read up to the current end of the topic. */
    static List<Envelope> readAll(String topic, Predicate<Envelope> wanted) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of("bootstrap.servers", GatewayDevstack.devstack().kafka().bootstrapServers()),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<Envelope> found = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end in 20 s");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    Envelope e = EnvelopeCodec.decode(r.value());
                    if (wanted.test(e)) {
                        found.add(e);
                    }
                });
            }
            return found;
        }
    }
}
