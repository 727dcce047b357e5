package io.walgate.adapter.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A namespace's Kafka log read by time, for a log replay: which records were logged between two
 * times, and those records, read with a consumer of no group (it commits nothing and disturbs no
 * delivery).
 *
 * <ol>
 *   <li>Not thread-safe: one instance per job; {@link #close()} it.
 *   <li>A range is fixed when it is found: records logged later are not in it.
 *   <li>Each call answers within about {@link #TIMEOUT}, or throws.
 * </ol>
 */
public final class KafkaLogHistory implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Consumer<byte[], byte[]> consumer;

    KafkaLogHistory(Consumer<byte[], byte[]> consumer) {
        this.consumer = consumer;
    }

    /** A reader of the cluster {@code clientConfig} describes (at least {@code bootstrap.servers}). */
    public static KafkaLogHistory of(Map<String, Object> clientConfig) {
        Map<String, Object> c = new HashMap<>();
        clientConfig.forEach((key, value) -> {
            if (ConsumerConfig.configNames().contains(key)) {
                c.put(key, value);
            }
        });
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "walgate-log-replay");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        // Reads jump from place to place: a fetch the broker holds open at the end of a partition
        // (500 ms by default) would hold up the next read, which waits for it.
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        return new KafkaLogHistory(new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
    }

    /**
     * The records of {@code topic} logged from {@code from} to before {@code to}: per partition, the
     * first offset and the offset past the last.
     *
     * @param goneBefore per partition whose oldest records retention deleted while they were in the
     *     range: when the oldest kept one was logged (entries before it are missing)
     */
    public record Range(Map<Integer, Long> first, Map<Integer, Long> end, Map<Integer, Instant> goneBefore) {
        public long records() {
            return first.entrySet().stream()
                    .mapToLong(e -> Math.max(0, end.get(e.getKey()) - e.getValue()))
                    .sum();
        }
    }

    public Range range(String topic, Instant from, Instant to) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, TIMEOUT).stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
        Map<TopicPartition, Long> beginning = consumer.beginningOffsets(partitions, TIMEOUT);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, TIMEOUT);
        Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(at(partitions, from), TIMEOUT);
        Map<TopicPartition, OffsetAndTimestamp> stops = consumer.offsetsForTimes(at(partitions, to), TIMEOUT);
        Map<Integer, Long> first = new TreeMap<>();
        Map<Integer, Long> end = new TreeMap<>();
        Map<Integer, Instant> gone = new TreeMap<>();
        for (TopicPartition p : partitions) {
            long last = ends.get(p);
            OffsetAndTimestamp start = starts.get(p);
            OffsetAndTimestamp stop = stops.get(p);
            long firstOffset = start == null ? last : start.offset();
            first.put(p.partition(), firstOffset);
            end.put(p.partition(), stop == null ? last : stop.offset());
            if (start != null
                    && beginning.get(p) > 0
                    && firstOffset == beginning.get(p)
                    && start.timestamp() > from.toEpochMilli()) {
                gone.put(p.partition(), Instant.ofEpochMilli(start.timestamp()));
            }
        }
        return new Range(first, end, gone);
    }

    /** A record as a replay needs it. */
    public record Logged(int partition, long offset, byte[] value) {}

    /**
     * Up to about {@code max} records of {@code topic} from {@code next} (per partition; moved past
     * what is answered) to before {@code end}, in offset order per partition. Empty when every
     * partition is at its end; records retention deleted meanwhile are passed over.
     */
    public List<Logged> read(String topic, Map<Integer, Long> next, Map<Integer, Long> end, int max) {
        List<TopicPartition> open = new ArrayList<>();
        next.forEach((p, offset) -> {
            if (offset < end.getOrDefault(p, 0L)) {
                open.add(new TopicPartition(topic, p));
            }
        });
        List<Logged> found = new ArrayList<>();
        if (open.isEmpty()) {
            return found;
        }
        consumer.assign(open);
        open.forEach(p -> consumer.seek(p, next.get(p.partition())));
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try {
            while (found.isEmpty() && System.nanoTime() < deadline) {
                Set<Integer> returned = new HashSet<>();
                Set<Integer> full = new HashSet<>();
                for (ConsumerRecord<byte[], byte[]> r : poll()) {
                    int p = r.partition();
                    returned.add(p);
                    if (r.offset() >= end.get(p)) {
                        if (!full.contains(p)) {
                            next.put(p, end.get(p)); // past the range, every record before it taken
                        }
                    } else if (r.offset() >= next.get(p)) {
                        if (found.size() < max) {
                            found.add(new Logged(p, r.offset(), r.value()));
                            next.put(p, r.offset() + 1);
                        } else {
                            full.add(p); // left for the next call: next stays before it
                        }
                    }
                }
                for (TopicPartition p : open) {
                    // A partition that returned nothing and moved on passed offsets with no record
                    // (transaction markers) or deleted by retention.
                    long position = consumer.position(p, TIMEOUT);
                    if (!returned.contains(p.partition()) && position > next.get(p.partition())) {
                        next.put(p.partition(), Math.min(position, end.get(p.partition())));
                    }
                }
                if (next.entrySet().stream().allMatch(e -> e.getValue() >= end.getOrDefault(e.getKey(), 0L))) {
                    break;
                }
            }
        } finally {
            consumer.unsubscribe();
        }
        if (found.isEmpty()
                && next.entrySet().stream().anyMatch(e -> e.getValue() < end.getOrDefault(e.getKey(), 0L))) {
            throw new IllegalStateException("reading " + topic + " did not answer within " + TIMEOUT);
        }
        return found;
    }

    private Iterable<ConsumerRecord<byte[], byte[]>> poll() {
        try {
            return consumer.poll(Duration.ofMillis(200));
        } catch (OffsetOutOfRangeException e) {
            // Retention deleted where we were: go on from the oldest record kept.
            for (TopicPartition p : e.partitions()) {
                consumer.seekToBeginning(List.of(p));
            }
            return List.of();
        }
    }

    private static Map<TopicPartition, Long> at(List<TopicPartition> partitions, Instant time) {
        Map<TopicPartition, Long> at = new HashMap<>();
        partitions.forEach(p -> at.put(p, time.toEpochMilli()));
        return at;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
