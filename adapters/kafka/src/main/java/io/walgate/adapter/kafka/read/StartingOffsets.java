package io.walgate.adapter.kafka.read;

import io.walgate.adapter.kafka.KafkaAdapters;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a partition starts that its delivery group never committed. Namespaces once had a group
 * each ({@link KafkaAdapters#formerDeliveryGroup}); now a region's workers share one per shard. A
 * partition that namespace's former group committed starts there, so an upgrade neither applies
 * again nor skips; it is committed in the shared group at once, and the former group is read no
 * more. Any other starts at the log's beginning: everything in it is due.
 *
 * <p>Called on the consumer's thread; it may wait (up to {@link #TIMEOUT}) for the broker, once per
 * partition, the first time the shared group reads it. A failure throws: the delivery tries again.
 */
interface StartingOffsets {
    Duration TIMEOUT = Duration.ofSeconds(10);

    /** Positions {@code partitions} of {@code namespace} where they start. */
    void seek(Consumer<?, ?> consumer, String namespace, Collection<TopicPartition> partitions);

    /** Every partition starts at the beginning (nothing to migrate from: the tests' own clusters). */
    StartingOffsets BEGINNING = (consumer, namespace, partitions) -> consumer.seekToBeginning(partitions);

    /** Reads the former groups' commits through {@code admin}. */
    static StartingOffsets migrating(Admin admin, String region) {
        System.Logger log = System.getLogger(StartingOffsets.class.getName());
        return (consumer, namespace, partitions) -> {
            String former = KafkaAdapters.formerDeliveryGroup(namespace, region);
            Map<TopicPartition, OffsetAndMetadata> all;
            try {
                all = admin.listConsumerGroupOffsets(former)
                        .partitionsToOffsetAndMetadata()
                        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new KafkaException("cannot read the commits of " + former + ": " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while reading the commits of " + former, e);
            }
            Map<TopicPartition, OffsetAndMetadata> found = new HashMap<>();
            for (TopicPartition p : partitions) {
                OffsetAndMetadata offset = all.get(p);
                if (offset != null) {
                    found.put(p, new OffsetAndMetadata(offset.offset()));
                    consumer.seek(p, offset.offset());
                } else {
                    consumer.seekToBeginning(List.of(p));
                }
            }
            if (!found.isEmpty()) {
                consumer.commitSync(found);
                log.log(
                        Level.INFO,
                        "{0} goes on in {1} where its former group {2} committed: {3}",
                        namespace,
                        region,
                        former,
                        found);
            }
        };
    }
}
