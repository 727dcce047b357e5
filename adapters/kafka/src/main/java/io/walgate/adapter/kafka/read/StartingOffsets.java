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
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * Where a partition starts that its delivery group never committed. Namespaces once had a group
 * each ({@link KafkaAdapters#formerDeliveryGroup}); now a region's workers share one per shard. A
 * partition that namespace's former group committed starts there, so an upgrade neither applies
 * again nor skips; it is committed in the shared group at once, and the former group is read no
 * more. Any other starts at the log's beginning: everything in it is due.
 *
 * <p>Called on the consumer's thread; it may wait (up to {@link #TIMEOUT}) for the broker, once per
 * partition, the first time the shared group reads it. A failure throws: the delivery tries again.
 * A delivery that stops writes its commits to the former group as well ({@link #handOff}): should the
 * namespace move to another shard (another group), its next delivery starts where this one stopped.
 */
interface StartingOffsets {
    Duration TIMEOUT = Duration.ofSeconds(10);

    /** Positions {@code partitions} of {@code namespace} where they start. */
    void seek(Consumer<?, ?> consumer, String namespace, Collection<TopicPartition> partitions);

    /**
     * The delivery of {@code namespace} stopped here, having committed {@code offsets}: recorded in
     * its former group too, so that whoever delivers it next under another group (after its shard
     * changed) starts there, not at the beginning. Never waits; a failure is only logged.
     */
    default void handOff(String namespace, Map<TopicPartition, OffsetAndMetadata> offsets) {}

    /** Every partition starts at the beginning (nothing to migrate from: the tests' own clusters). */
    StartingOffsets BEGINNING = (consumer, namespace, partitions) -> consumer.seekToBeginning(partitions);

    /** Reads (and writes, on a hand-off) the former groups' commits through {@code admin}. */
    static StartingOffsets migrating(Admin admin, String region) {
        return new StartingOffsets() {
            private final System.Logger log = System.getLogger(StartingOffsets.class.getName());

            @Override
            public void seek(Consumer<?, ?> consumer, String namespace, Collection<TopicPartition> partitions) {
                String former = KafkaAdapters.formerDeliveryGroup(namespace, region);
                Map<TopicPartition, OffsetAndMetadata> all = committed(former);
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
            }

            /** The group's commits; none when it does not exist or may not be read. */
            private Map<TopicPartition, OffsetAndMetadata> committed(String group) {
                try {
                    return admin.listConsumerGroupOffsets(group)
                            .partitionsToOffsetAndMetadata()
                            .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof GroupAuthorizationException
                            || e.getCause() instanceof GroupIdNotFoundException) {
                        // Not ours to read: nothing to migrate; it starts at the beginning.
                        log.log(Level.INFO, "no commits of " + group + " to start from: " + e.getCause());
                        return Map.of();
                    }
                    throw new KafkaException("cannot read the commits of " + group + ": " + e.getCause(), e);
                } catch (TimeoutException e) {
                    throw new KafkaException("cannot read the commits of " + group + " within " + TIMEOUT, e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new KafkaException("interrupted while reading the commits of " + group, e);
                }
            }

            @Override
            public void handOff(String namespace, Map<TopicPartition, OffsetAndMetadata> offsets) {
                if (offsets.isEmpty()) {
                    return;
                }
                String former = KafkaAdapters.formerDeliveryGroup(namespace, region);
                admin.alterConsumerGroupOffsets(former, offsets).all().whenComplete((ok, e) -> {
                    if (e != null) {
                        log.log(Level.INFO, "could not record where " + namespace + " stopped in " + former + ": " + e);
                    }
                });
            }
        };
    }
}
