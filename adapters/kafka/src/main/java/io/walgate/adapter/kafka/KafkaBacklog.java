package io.walgate.adapter.kafka;

import io.walgate.adapter.spi.LogProvisioner;
import io.walgate.adapter.spi.ProvisioningException;
import io.walgate.contract.namespace.NamespaceSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The entries each region's workers have not applied yet: per partition of the log and of every
 * delay tier (delayed and retried entries wait there), the end offset less the offset the region's
 * consumer group committed (the shard's shared group, or the namespace's former one), or less the beginning offset when it committed none. Dead letters do
 * not count: they are delivered as far as Walgate goes.
 */
final class KafkaBacklog {
    private final Admin admin;

    KafkaBacklog(Admin admin) {
        this.admin = admin;
    }

    /** The consumer group of a shard's workers in a region; the worker's consumers join it. */
    static String groupId(String shard, String region) {
        // Not "walgate.": a namespace named like a shard would share its former group's name.
        return "walgate-shard." + shard + "." + region;
    }

    /** A namespace's own group, before consumers were shared (see {@code StartingOffsets}). */
    static String formerGroupId(String namespace, String region) {
        return "walgate." + namespace + "." + region;
    }

    Map<String, Long> undelivered(NamespaceSpec namespace) {
        long deadline = System.nanoTime() + LogProvisioner.UNDELIVERED_TIMEOUT.toNanos();
        List<TopicPartition> partitions =
                partitions(KafkaDelayTiers.deliveredTopics(namespace.backend().topic()), deadline);
        Map<String, Long> result = new LinkedHashMap<>();
        if (partitions.isEmpty()) {
            namespace.target().regions().keySet().forEach(region -> result.put(region, 0L));
            return result;
        }
        Map<TopicPartition, ListOffsetsResultInfo> earliest = offsets(partitions, OffsetSpec.earliest(), deadline);
        Map<TopicPartition, ListOffsetsResultInfo> latest = offsets(partitions, OffsetSpec.latest(), deadline);
        for (String region : namespace.target().regions().keySet()) {
            // A partition the shared group has not committed yet starts where the namespace's former
            // group committed (the worker migrates it on its first read).
            Map<TopicPartition, OffsetAndMetadata> committed =
                    new LinkedHashMap<>(committed(formerGroupId(namespace.name(), region), deadline));
            committed.putAll(committed(groupId(namespace.shard(), region), deadline));
            long lag = 0;
            for (TopicPartition partition : partitions) {
                long from = earliest.get(partition).offset();
                OffsetAndMetadata done = committed.get(partition);
                // A commit below the beginning means retention dropped entries already: they are
                // gone, not waiting.
                long next = done == null ? from : Math.max(from, done.offset());
                lag += Math.max(0, latest.get(partition).offset() - next);
            }
            result.put(region, lag);
        }
        return result;
    }

    /** Every partition of the topics that exist; a missing topic holds nothing. */
    private List<TopicPartition> partitions(List<String> topics, long deadline) {
        Map<String, KafkaFuture<TopicDescription>> futures =
                admin.describeTopics(topics).topicNameValues();
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            try {
                TopicDescription description = get(futures.get(topic), deadline, "describe " + topic);
                description.partitions().forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            } catch (ProvisioningException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
        }
        return partitions;
    }

    private Map<TopicPartition, ListOffsetsResultInfo> offsets(
            List<TopicPartition> partitions, OffsetSpec spec, long deadline) {
        Map<TopicPartition, OffsetSpec> request = new LinkedHashMap<>();
        partitions.forEach(p -> request.put(p, spec));
        int timeoutMs = (int) Math.max(1, remaining(deadline).toMillis());
        return get(
                admin.listOffsets(request, new ListOffsetsOptions().timeoutMs(timeoutMs))
                        .all(),
                deadline,
                "read the offsets of " + partitions.get(0).topic());
    }

    private Map<TopicPartition, OffsetAndMetadata> committed(String group, long deadline) {
        Map<TopicPartition, OffsetAndMetadata> offsets = get(
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(),
                deadline,
                "read the offsets of consumer group " + group);
        // A partition the group never committed is listed with a null value by some brokers.
        Map<TopicPartition, OffsetAndMetadata> committed = new LinkedHashMap<>();
        offsets.forEach((partition, offset) -> {
            if (offset != null) {
                committed.put(partition, offset);
            }
        });
        return committed;
    }

    private static <T> T get(KafkaFuture<T> future, long deadline, String what) {
        try {
            return future.get(remaining(deadline).toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw KafkaLogProvisioner.failure(what, e.getCause());
        } catch (TimeoutException e) {
            throw new ProvisioningException(
                    "cannot " + what + " within " + LogProvisioner.UNDELIVERED_TIMEOUT.toSeconds() + " s", true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProvisioningException("interrupted: " + what, true, e);
        }
    }

    private static Duration remaining(long deadline) {
        long nanos = deadline - System.nanoTime();
        return Duration.ofNanos(Math.max(0, nanos));
    }
}
