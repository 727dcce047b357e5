package io.walgate.adapter.kafka;

import io.walgate.adapter.spi.LogResource;
import io.walgate.adapter.spi.ProvisioningException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The topic-level settings a namespace's topics must carry, and reading them back.
 *
 * <p>Each is set explicitly because the broker's default is wrong for a write-ahead log: a stock
 * broker keeps a week and would silently drop dead letters an operator has not looked at yet, a
 * cluster-wide {@code retention.bytes} would drop entries by size, and {@code min.insync.replicas=1}
 * makes {@code acks=all} mean one copy.
 */
final class TopicConfigs {
    /** The settings shown among a topic's attributes, by attribute name. */
    private static final Map<String, String> SHOWN = Map.of(
            TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "minInsyncReplicas",
            TopicConfig.RETENTION_MS_CONFIG, "retentionMs",
            TopicConfig.RETENTION_BYTES_CONFIG, "retentionBytes");

    /** How many copies new topics get, and how many must have an entry before it is confirmed. */
    record Replication(int factor, int minInsync) {}

    private final Admin admin;
    private final KafkaTopicSettings settings;

    TopicConfigs(Admin admin, KafkaTopicSettings settings) {
        this.admin = admin;
        this.settings = settings;
    }

    /**
     * The configured values, or what fits the cluster: as many copies as there are brokers up to
     * 3, and 2 of them in sync (1 on a one-broker cluster, where more could never be met).
     */
    Replication replication() {
        int factor = settings.replicationFactor().orElseGet(this::brokers);
        if (settings.replicationFactor().isEmpty()) {
            factor = Math.min(3, factor);
        }
        int minInsync = settings.minInsyncReplicas().orElse(Math.min(2, factor));
        return new Replication(factor, Math.min(minInsync, factor));
    }

    private int brokers() {
        try {
            return Math.max(1, admin.describeCluster().nodes().get().size());
        } catch (ExecutionException e) {
            throw KafkaLogProvisioner.failure("count the brokers of the cluster", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProvisioningException("interrupted while counting brokers", true, e);
        }
    }

    /**
     * The settings a topic of {@code role} gets. {@code min.insync.replicas} never exceeds the
     * topic's own replication factor: a topic made earlier with fewer copies would refuse every
     * write.
     */
    Map<String, String> wanted(LogResource.Role role, Replication replication, int topicReplicationFactor) {
        Optional<Duration> retention =
                role == LogResource.Role.DEAD_LETTER ? settings.deadLetterRetention() : settings.retention();
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put(
                TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
                Integer.toString(Math.min(replication.minInsync(), topicReplicationFactor)));
        configs.put(
                TopicConfig.RETENTION_MS_CONFIG,
                retention.map(d -> Long.toString(d.toMillis())).orElse("-1"));
        configs.put(TopicConfig.RETENTION_BYTES_CONFIG, "-1");
        return configs;
    }

    /** Sets what differs from {@link #wanted} on topics that exist; their replication stays as it is. */
    void restore(List<LogResource> plan, Map<String, Integer> existingReplication, Replication replication) {
        Map<String, Map<String, String>> current = read(List.copyOf(existingReplication.keySet()));
        Map<ConfigResource, Collection<AlterConfigOp>> changes = new LinkedHashMap<>();
        for (LogResource planned : plan) {
            Integer factor = existingReplication.get(planned.name());
            if (factor == null) {
                continue;
            }
            Map<String, String> has = current.getOrDefault(planned.name(), Map.of());
            List<AlterConfigOp> ops = new ArrayList<>();
            wanted(planned.role(), replication, factor).forEach((name, value) -> {
                if (!value.equals(has.get(name))) {
                    ops.add(new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET));
                }
            });
            if (!ops.isEmpty()) {
                changes.put(new ConfigResource(ConfigResource.Type.TOPIC, planned.name()), ops);
            }
        }
        if (changes.isEmpty()) {
            return;
        }
        for (Map.Entry<ConfigResource, KafkaFuture<Void>> altered :
                admin.incrementalAlterConfigs(changes).values().entrySet()) {
            try {
                altered.getValue().get();
            } catch (ExecutionException e) {
                throw KafkaLogProvisioner.failure(
                        "set the retention of " + altered.getKey().name(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProvisioningException(
                        "interrupted while configuring " + altered.getKey().name(), true, e);
            }
        }
    }

    /** The shown settings of each topic in {@code topics}, by Kafka config name. */
    Map<String, Map<String, String>> read(List<String> topics) {
        if (topics.isEmpty()) {
            return Map.of();
        }
        List<ConfigResource> resources = topics.stream()
                .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
                .toList();
        Map<String, Map<String, String>> result = new LinkedHashMap<>();
        for (Map.Entry<ConfigResource, KafkaFuture<Config>> described :
                admin.describeConfigs(resources).values().entrySet()) {
            try {
                Config config = described.getValue().get();
                Map<String, String> values = new LinkedHashMap<>();
                for (String name : SHOWN.keySet()) {
                    ConfigEntry entry = config.get(name);
                    if (entry != null && entry.value() != null) {
                        values.put(name, entry.value());
                    }
                }
                result.put(described.getKey().name(), values);
            } catch (ExecutionException e) {
                throw KafkaLogProvisioner.failure(
                        "read the settings of " + described.getKey().name(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProvisioningException(
                        "interrupted while reading " + described.getKey().name(), true, e);
            }
        }
        return result;
    }

    /** Kafka config names turned into attribute names, in a stable order. */
    static Map<String, String> attributes(Map<String, String> configs) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (String name : List.of(
                TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
                TopicConfig.RETENTION_MS_CONFIG,
                TopicConfig.RETENTION_BYTES_CONFIG)) {
            if (configs.containsKey(name)) {
                attributes.put(SHOWN.get(name), configs.get(name));
            }
        }
        return attributes;
    }

    static int replicationFactor(TopicDescription topic) {
        return topic.partitions().isEmpty()
                ? 0
                : topic.partitions().get(0).replicas().size();
    }
}
