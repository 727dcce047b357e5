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
 *   <li>Calls take turns (one consumer); a read fetches every partition asked for at once, passing
 *       once over each one's records between the first and the last place asked for (jumping over
 *       gaps wider than a poll), waiting at most {@link #READ_TIMEOUT} per {@value #MAX_POLL} places.
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
        Map<TopicPartition, NavigableSet<Long>> left = new HashMap<>();
        places.forEach(p -> left.computeIfAbsent(new TopicPartition(queue, p.partition()), k -> new TreeSet<>())
                .add(p.offset()));
        Map<Place, byte[]> found = new LinkedHashMap<>();
        if (left.isEmpty()) {
            return found;
        }
        // Offsets retention deleted, or past the end, are gone; a partition left with none is not
        // assigned at all: with no position and no reset policy, a poll would throw for it.
        keepHeld(
                left,
                consumer.beginningOffsets(left.keySet(), READ_TIMEOUT),
                consumer.endOffsets(left.keySet(), READ_TIMEOUT));
        left.values().removeIf(NavigableSet::isEmpty);
        if (left.isEmpty()) {
            return found;
        }
        try {
            consumer.assign(left.keySet());
            left.forEach((partition, offsets) -> consumer.seek(partition, offsets.first()));
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos() * (1 + places.size() / MAX_POLL);
            while (left.values().stream().anyMatch(o -> !o.isEmpty())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + queue + " did not answer within " + READ_TIMEOUT);
                }
                try {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        TopicPartition partition = new TopicPartition(r.topic(), r.partition());
                        NavigableSet<Long> offsets = left.get(partition);
                        if (offsets != null && offsets.remove(r.offset())) {
                            found.put(Place.kafka(queue, r.partition(), r.offset()), r.value());
                        }
                    }
                } catch (OffsetOutOfRangeException e) {
                    // Retention deleted some meanwhile: those are gone, the rest are still there.
                    keepHeld(left, consumer.beginningOffsets(e.partitions(), READ_TIMEOUT), Map.of());
                    e.partitions().forEach(p -> {
                        if (left.get(p).isEmpty()) {
                            consumer.pause(List.of(p));
                        } else {
                            consumer.seek(p, left.get(p).first());
                        }
                    });
                    continue;
                }
                advance(left);
            }
        } finally {
            consumer.unsubscribe();
        }
        return found;
    }

    /** Drops the offsets before each partition's first record kept, and from its end on. */
    private static void keepHeld(
            Map<TopicPartition, NavigableSet<Long>> left,
            Map<TopicPartition, Long> first,
            Map<TopicPartition, Long> end) {
        first.forEach((p, offset) -> left.get(p).headSet(offset, false).clear());
        end.forEach((p, offset) -> left.get(p).tailSet(offset, true).clear());
    }

    /**
     * After a poll: offsets a partition moved past held no record (a transaction marker); a partition
     * done is paused (no more fetches for it); one whose next place is more than a poll ahead jumps.
     */
    private void advance(Map<TopicPartition, NavigableSet<Long>> left) {
        left.forEach((partition, offsets) -> {
            if (consumer.paused().contains(partition)) {
                return;
            }
            long position = consumer.position(partition, READ_TIMEOUT);
            offsets.headSet(position, false).clear();
            if (offsets.isEmpty()) {
                consumer.pause(List.of(partition));
            } else if (offsets.first() >= position + MAX_POLL) {
                consumer.seek(partition, offsets.first());
            }
        });
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
