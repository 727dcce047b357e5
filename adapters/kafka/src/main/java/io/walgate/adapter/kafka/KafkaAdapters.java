package io.walgate.adapter.kafka;

import io.walgate.adapter.kafka.read.KafkaLogReader;
import io.walgate.adapter.spi.LogAppender;
import io.walgate.adapter.spi.LogProvisioner;
import io.walgate.adapter.spi.LogReader;
import io.walgate.contract.namespace.NamespaceSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Entry point of the Kafka backend: builds its SPI implementations. */
public final class KafkaAdapters {
    private KafkaAdapters() {}

    /**
     * A provisioner talking to the cluster that {@code adminConfig} describes (at least {@code
     * bootstrap.servers}). Calls time out after {@code default.api.timeout.ms} (default here 15 s).
     */
    public static LogProvisioner provisioner(Map<String, Object> adminConfig) {
        return provisioner(adminConfig, KafkaTopicSettings.defaults());
    }

    /** As {@link #provisioner(Map)}, creating topics with {@code settings}. */
    public static LogProvisioner provisioner(Map<String, Object> adminConfig, KafkaTopicSettings settings) {
        Map<String, Object> config = new HashMap<>(adminConfig);
        config.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        config.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        config.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "walgate-provisioner");
        return new KafkaLogProvisioner(Admin.create(config), settings);
    }

    /**
     * An appender with one producer for every namespace of the cluster {@code producerConfig}
     * describes. Durability settings are enforced, not defaulted: {@code acks=all} and the
     * idempotent producer cannot be turned off here. An append answers UNKNOWN after at most {@code
     * delivery.timeout.ms} (default 30 s) plus, when it is re-sent (KAFKA-15591), {@code
     * request.timeout.ms} (default 10 s).
     */
    public static LogAppender appender(Map<String, Object> producerConfig) {
        return appender(producerConfig, Duration.ofSeconds(30));
    }

    /**
     * As {@link #appender(Map)}, with how long {@code close()} waits for appends in flight; those
     * still unanswered then are aborted and answered UNKNOWN.
     */
    public static LogAppender appender(Map<String, Object> producerConfig, Duration closeTimeout) {
        Map<String, Object> config = KafkaClientConfigs.appender(producerConfig);
        int maxRequest = Integer.parseInt(
                String.valueOf(config.getOrDefault(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1024 * 1024)));
        return new KafkaLogAppender(
                new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer()),
                Clock.systemUTC(),
                maxRequest - KafkaLogAppender.ENVELOPE_ROOM,
                closeTimeout,
                // A re-send goes to a leader that answered before: one request's time is enough.
                Duration.ofMillis(
                        Long.parseLong(String.valueOf(config.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG)))));
    }

    /**
     * A reader delivering namespaces of the cluster {@code clientConfig} describes; it owns an
     * appender for retries and an Admin client for the DLQs' depths, both closed with it.
     */
    public static LogReader reader(Map<String, Object> clientConfig) {
        return reader(
                clientConfig,
                KafkaLogReader.DEFAULT_LANES,
                KafkaLogReader.DEFAULT_LANES,
                KafkaLogReader.DEFAULT_CONSUMERS);
    }

    /**
     * As {@link #reader(Map)}, applying up to {@code lanes} partitions of a namespace side by side,
     * on {@code applyThreads} threads shared by every namespace (besides each one's own), with
     * {@code consumers} consumers per region shared by the namespaces.
     */
    public static LogReader reader(Map<String, Object> clientConfig, int lanes, int applyThreads, int consumers) {
        KafkaDeadLetters deadLetters = KafkaDeadLetters.of(clientConfig);
        LogAppender retries = null;
        try {
            retries = appender(clientConfig);
            return new KafkaLogReader(
                    clientConfig, retries, deadLetters, Clock.systemUTC(), lanes, applyThreads, consumers);
        } catch (RuntimeException e) {
            if (retries != null) {
                retries.close();
            }
            deadLetters.close();
            throw e;
        }
    }

    /**
     * The consumer group that delivers {@code namespace} to {@code region}: the group every worker
     * of that region and the namespace's shard joins (its consumers are shared by the shard's
     * namespaces), so that each region applies every entry. The controller counts a namespace's
     * undelivered entries by it; the worker consumes with it.
     */
    public static String deliveryGroup(NamespaceSpec namespace, String region) {
        return deliveryGroup(namespace.shard(), region);
    }

    /** The delivery group of a shard's namespaces in {@code region}. */
    public static String deliveryGroup(String shard, String region) {
        return KafkaBacklog.groupId(shard, region);
    }

    /**
     * The group that delivered {@code namespace} to {@code region} before consumers were shared:
     * read once to migrate its commits, and by the controller while a partition has none in the
     * shared group.
     */
    public static String formerDeliveryGroup(String namespace, String region) {
        return KafkaBacklog.formerGroupId(namespace, region);
    }
}
