package io.walgate.adapter.kafka.read;

import io.walgate.adapter.spi.DeliveryProgress;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * What a Kafka delivery does when its position in some partitions is no longer in the log
 * ({@code auto.offset.reset=none} made the poll fail instead of skipping quietly).
 *
 * <ol>
 *   <li>Before the log's beginning: retention deleted entries before they were delivered (the
 *       delivery fell behind it, or was paused past it). They are gone: an ERROR and {@link
 *       DeliveryProgress#lost} say how many, and delivery goes on at the oldest entry still there.
 *   <li>Within the log again (a leader change, a truncation the log has since grown back over):
 *       nothing was lost; it reads on from where it was.
 *   <li>Past the log's end (the log lost entries: an unclean leader election): an ERROR and {@link
 *       DeliveryProgress#lost}, and delivery goes on from the end.
 * </ol>
 */
final class LostRanges {
    private static final System.Logger LOG = System.getLogger(LostRanges.class.getName());

    private final Consumer<?, ?> consumer;
    private final String namespace;
    private final String region;
    private final DeliveryProgress progress;

    LostRanges(Consumer<?, ?> consumer, String namespace, String region, DeliveryProgress progress) {
        this.consumer = consumer;
        this.namespace = namespace;
        this.region = region;
        this.progress = progress;
    }

    /** Repositions every partition of {@code positions} (partition → position out of range). */
    void skipLost(Map<TopicPartition, Long> positions) {
        Map<TopicPartition, Long> first = consumer.beginningOffsets(positions.keySet(), Duration.ofSeconds(10));
        Map<TopicPartition, Long> end = consumer.endOffsets(positions.keySet(), Duration.ofSeconds(10));
        positions.forEach((partition, position) -> {
            long oldest = first.getOrDefault(partition, 0L);
            long last = end.getOrDefault(partition, oldest);
            if (position < oldest) {
                LOG.log(
                        Level.ERROR,
                        "{0} entries of {1} ({2}, offsets {3} to {4}) were deleted by retention before they were"
                                + " delivered to {5}; delivery goes on from offset {4}",
                        oldest - position,
                        namespace,
                        partition,
                        position,
                        oldest,
                        region);
                progress.lost(partition.toString(), oldest - position);
                consumer.seek(partition, oldest);
            } else if (position <= last) {
                consumer.seek(partition, position);
            } else {
                LOG.log(
                        Level.ERROR,
                        "the position {0} of {1} is past the end of the log ({2}): the log lost entries"
                                + " (unclean leader election?); delivery goes on from the end",
                        position,
                        partition,
                        last);
                progress.lost(partition.toString(), position - last);
                consumer.seek(partition, last);
            }
        });
    }
}
