package io.walgate.adapter.kafka;

import io.walgate.adapter.spi.DeadLetterHeaders;
import io.walgate.adapter.spi.DeadLetterQueue;
import io.walgate.adapter.spi.DeadLettered;
import io.walgate.adapter.spi.DeadLettered.Place;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.EnvelopeCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Kafka's DLQ topics for operators' tools: a dead letter is read where the index says it is (one
 * consumer, assigned and positioned, in no group: it commits nothing and disturbs no delivery).
 *
 * <ol>
 *   <li>Calls take turns (one consumer); a read passes once over each partition's records between
 *       the first and the last place asked for (skipping gaps wider than a poll), waiting at most
 *       {@link #READ_TIMEOUT} per {@value #MAX_POLL} places.
 *   <li>A record retention has deleted is left out of the answer.
 *   <li>{@link #remove} removes nothing: a topic keeps its records until retention deletes them.
 *   <li>{@link #scan} reads every partition up to the end it had when the scan began, at most its
 *       share of the limit (the newest records), in at most {@link #SCAN_TIMEOUT}, or throws.
 * </ol>
 */
public final class KafkaDeadLetterQueue implements DeadLetterQueue {
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    static final Duration SCAN_TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_POLL = 500;

    private final Consumer<byte[], byte[]> consumer;

    KafkaDeadLetterQueue(Consumer<byte[], byte[]> consumer) {
        this.consumer = consumer;
    }

    /** A reader on the cluster {@code clientConfig} describes (at least {@code bootstrap.servers}). */
    public static KafkaDeadLetterQueue of(Map<String, Object> clientConfig) {
        Map<String, Object> c = new HashMap<>();
        clientConfig.forEach((key, value) -> {
            if (ConsumerConfig.configNames().contains(key)) {
                c.put(key, value);
            }
        });
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "walgate-dead-letter-reader");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        // Reads jump from place to place: a fetch the broker holds open at the end of a partition
        // (500 ms by default) would hold up the next read, which waits for it.
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return new KafkaDeadLetterQueue(new KafkaConsumer<>(c));
    }

    @Override
    public synchronized Map<Place, byte[]> read(String queue, Collection<Place> places) {
        Map<Integer, TreeSet<Long>> wanted = new TreeMap<>();
        places.forEach(
                p -> wanted.computeIfAbsent(p.partition(), k -> new TreeSet<>()).add(p.offset()));
        Map<Place, byte[]> found = new LinkedHashMap<>();
        try {
            wanted.forEach((partition, offsets) -> readPartition(queue, new TopicPartition(queue, partition), offsets)
                    .forEach((offset, value) -> found.put(Place.kafka(queue, partition, offset), value)));
        } finally {
            consumer.unsubscribe();
        }
        return found;
    }

    /**
     * The values at {@code offsets} of {@code partition}, read in one pass (dead letters of one
     * namespace mostly sit together), seeking over gaps wider than a poll. Offsets retention deleted,
     * past the end (a topic made again under the same name) or that hold no record (a transaction
     * marker) are left out.
     */
    private Map<Long, byte[]> readPartition(String queue, TopicPartition partition, TreeSet<Long> offsets) {
        consumer.assign(List.of(partition));
        long first =
                consumer.beginningOffsets(List.of(partition), READ_TIMEOUT).getOrDefault(partition, Long.MAX_VALUE);
        long end = consumer.endOffsets(List.of(partition), READ_TIMEOUT).getOrDefault(partition, 0L);
        NavigableSet<Long> left = new TreeSet<>(offsets.subSet(first, true, end, false));
        Map<Long, byte[]> values = new HashMap<>();
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos() * (1 + left.size() / MAX_POLL);
        while (!left.isEmpty()) {
            long position = left.first();
            consumer.seek(partition, position);
            try {
                while (!left.isEmpty() && left.first() < position + MAX_POLL) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("reading " + queue + " did not answer within " + READ_TIMEOUT);
                    }
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        if (left.remove(r.offset())) {
                            values.put(r.offset(), r.value());
                        }
                    }
                    position = consumer.position(partition, READ_TIMEOUT);
                    // Passed without a record there: the offset held none.
                    left.headSet(position, false).clear();
                }
            } catch (OffsetOutOfRangeException e) {
                // Retention deleted some meanwhile: those are gone, the rest are still there.
                long kept = consumer.beginningOffsets(List.of(partition), READ_TIMEOUT)
                        .getOrDefault(partition, Long.MAX_VALUE);
                left.headSet(kept, false).clear();
            }
        }
        return values;
    }

    @Override
    public synchronized List<DeadLettered> scan(String namespace, String queue, int limit) {
        List<TopicPartition> partitions = consumer.partitionsFor(queue, READ_TIMEOUT).stream()
                .map(p -> new TopicPartition(queue, p.partition()))
                .toList();
        consumer.assign(partitions);
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, READ_TIMEOUT);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, READ_TIMEOUT);
        // The newest first: with more than the limit, the records operators look for are the recent ones.
        long perPartition = Math.max(1, limit / Math.max(1, partitions.size()));
        for (TopicPartition p : partitions) {
            long from = Math.max(begin.getOrDefault(p, 0L), end.getOrDefault(p, 0L) - perPartition);
            consumer.seek(p, from);
        }
        List<DeadLettered> found = new ArrayList<>();
        long deadline = System.nanoTime() + SCAN_TIMEOUT.toNanos();
        try {
            while (found.size() < limit && !atEnd(partitions, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + queue + " took longer than " + SCAN_TIMEOUT);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (found.size() < limit) {
                        found.add(DeadLetterHeaders.read(
                                headers(r),
                                envelope(r.value()),
                                namespace,
                                Instant.ofEpochMilli(r.timestamp()),
                                Place.kafka(queue, r.partition(), r.offset())));
                    }
                }
            }
        } finally {
            consumer.unsubscribe();
        }
        return found;
    }

    private boolean atEnd(List<TopicPartition> partitions, Map<TopicPartition, Long> end) {
        for (TopicPartition p : partitions) {
            if (consumer.position(p, READ_TIMEOUT) < end.getOrDefault(p, 0L)) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> r) {
        Map<String, String> h = new HashMap<>();
        for (Header header : r.headers()) {
            if (header.value() != null) {
                h.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
            }
        }
        return h;
    }

    private static Envelope envelope(byte[] value) {
        try {
            return EnvelopeCodec.decode(value);
        } catch (RuntimeException notAnEnvelope) {
            return null;
        }
    }

    @Override
    public Set<Place> remove(String queue, Collection<Place> places) {
        return Set.of();
    }

    @Override
    public synchronized void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
