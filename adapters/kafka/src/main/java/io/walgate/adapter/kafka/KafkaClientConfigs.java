package io.walgate.adapter.kafka;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The one place that turns an operator's Kafka client settings into the settings of each client
 * Walgate runs: the worker, the tests and the benchmarks all build their clients from here, so what
 * is tested is what runs.
 *
 * <ol>
 *   <li>Durability and correctness are enforced, not defaulted: whatever {@code base} says, an
 *       appender and a dead-letter producer use {@code acks=all} and the idempotent producer, and a
 *       delivery consumer never auto-commits and never resets its position quietly.
 *   <li>Everything else is a default that {@code base} overrides (timeouts, linger). Clients made
 *       more than once get no fixed {@code client.id}: two alike in one JVM clash in JMX.
 *   <li>The returned maps are new and mutable; {@code base} is never changed.
 * </ol>
 */
public final class KafkaClientConfigs {
    private KafkaClientConfigs() {}

    /**
     * A consumer that delivers namespaces of {@code shard} to {@code region}, in that pair's group
     * ({@link KafkaAdapters#deliveryGroup}), shared by the namespaces it reads.
     */
    public static Map<String, Object> deliveryConsumer(Map<String, Object> base, String shard, String region) {
        Map<String, Object> config = new HashMap<>(base);
        // One consumer group per (shard, region): each region applies every entry.
        config.put(ConsumerConfig.GROUP_ID_CONFIG, KafkaAdapters.deliveryGroup(shard, region));
        // A namespace that starts or stops being delivered changes the group's subscription: only
        // the partitions that move stop being read meanwhile, not every namespace's.
        config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        // Offsets are committed only once an entry was applied, re-appended or dead-lettered.
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // "none": a position that retention deleted is reported as lost, never skipped quietly; a
        // new group starts at the beginning of the log (the delivery seeks there itself).
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        // A worker killed hard holds its partitions until the session times out: 10 s, not Kafka's
        // 45, before another worker of the region takes over.
        config.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        // A namespace that joins (its topics added to one consumer's subscription) gets its partitions
        // once every consumer of the group has rejoined, which each does at its next heartbeat (the
        // others read on meanwhile): Kafka's 3 s was most of a new namespace's start.
        config.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1_000);
        // A delay tier resumed when its head falls due is fetched only when the fetch in flight
        // (long-polling the other partitions) returns: Kafka's 500 ms would be its lateness.
        config.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        // A poll's entries (up to 500) are applied before the next poll; against a slow target (10 s
        // timeouts, 16 lanes) that may take minutes: do not let the group evict us.
        config.putIfAbsent(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 900_000);
        return config;
    }

    /**
     * The producer that writes dead letters. A send either succeeds or fails within {@code
     * max.block.ms} plus {@code delivery.timeout.ms} (10 + 45 s), inside the minute the delivery
     * waits for it: a send that succeeded after the delivery gave up would be written twice.
     */
    public static Map<String, Object> deadLetterProducer(Map<String, Object> base) {
        Map<String, Object> config = durableProducer(base);
        config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 45_000);
        return config;
    }

    /** The producer behind {@link KafkaAdapters#appender}: the gateway's writes and the workers' retries. */
    public static Map<String, Object> appender(Map<String, Object> base) {
        Map<String, Object> config = durableProducer(base);
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 1);
        config.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        config.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "walgate-appender");
        return config;
    }

    /** An Admin client's settings: those of {@code base} an Admin knows, and short timeouts. */
    public static Map<String, Object> admin(Map<String, Object> base, String clientId) {
        Map<String, Object> config = new HashMap<>();
        for (String key : AdminClientConfig.configNames()) {
            if (base.containsKey(key)) {
                config.put(key, base.get(key));
            }
        }
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        config.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        config.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        return config;
    }

    private static Map<String, Object> durableProducer(Map<String, Object> base) {
        Map<String, Object> config = new HashMap<>(base);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return config;
    }
}
