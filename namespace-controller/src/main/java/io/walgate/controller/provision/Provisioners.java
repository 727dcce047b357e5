package io.walgate.controller.provision;

import io.walgate.adapter.kafka.KafkaAdapters;
import io.walgate.adapter.kafka.KafkaDeadLetterQueue;
import io.walgate.adapter.kafka.KafkaLogHistory;
import io.walgate.adapter.kafka.KafkaTopicSettings;
import io.walgate.adapter.spi.DeadLetterQueue;
import io.walgate.adapter.spi.LogAppender;
import io.walgate.adapter.spi.LogProvisioner;
import io.walgate.adapter.sqs.SqsAdapters;
import io.walgate.adapter.sqs.SqsDeadLetterQueue;
import io.walgate.contract.namespace.BackendType;
import io.walgate.controller.ControllerConfig;
import io.walgate.support.config.SettingNames;
import io.walgate.support.config.SqsSettings;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The controller's clients of each backend, built lazily from configuration and closed at shutdown:
 * one {@link LogProvisioner}, one {@link DeadLetterQueue} and one {@link LogAppender} (for replays)
 * per backend.
 */
@ApplicationScoped
public class Provisioners {
    /** Threads sending replayed entries to SQS: enough for a job at the highest rate allowed. */
    private static final int APPEND_SENDERS = 4;

    private final ControllerConfig config;
    private final Map<BackendType, LogProvisioner> provisioners = new EnumMap<>(BackendType.class);
    private final Map<BackendType, DeadLetterQueue> deadLetters = new EnumMap<>(BackendType.class);
    private final Map<BackendType, LogAppender> appenders = new EnumMap<>(BackendType.class);
    private SqsClient sqs;

    Provisioners(ControllerConfig config) {
        this.config = config;
    }

    public synchronized LogProvisioner forBackend(BackendType type) {
        return provisioners.computeIfAbsent(type, this::create);
    }

    /** Where dead letters of {@code type} are read and removed for operators. */
    public synchronized DeadLetterQueue deadLetters(BackendType type) {
        return deadLetters.computeIfAbsent(type, t -> switch (t) {
            case KAFKA -> KafkaDeadLetterQueue.of(kafkaClient());
            case SQS -> new SqsDeadLetterQueue(sqsClient());
        });
    }

    /** What puts replayed entries back on the logs of {@code type}. */
    public synchronized LogAppender appender(BackendType type) {
        return appenders.computeIfAbsent(type, t -> switch (t) {
            case KAFKA -> KafkaAdapters.appender(kafkaClient());
            case SQS -> SqsAdapters.appender(sqsClient(), APPEND_SENDERS);
        });
    }

    /** A reader of Kafka logs by time, for one log replay; the caller closes it. */
    public KafkaLogHistory logHistory() {
        return KafkaLogHistory.of(kafkaClient());
    }

    private LogProvisioner create(BackendType type) {
        return switch (type) {
            case KAFKA -> KafkaAdapters.provisioner(kafkaClient(), topicSettings(config.kafka()));
            case SQS -> SqsAdapters.provisioner(sqsClient());
        };
    }

    private Map<String, Object> kafkaClient() {
        Map<String, Object> client = new HashMap<>(config.kafka().admin());
        client.put("bootstrap.servers", config.kafka().bootstrapServers());
        return client;
    }

    private SqsClient sqsClient() {
        if (sqs == null) {
            SqsSettings settings = config.sqs();
            sqs = SqsAdapters.client(
                    settings.endpoint().orElse(null),
                    settings.region(),
                    settings.accessKeyId(),
                    settings.secretAccessKey());
        }
        return sqs;
    }

    /** Throws at the first use of Kafka, naming the setting, when one does not parse. */
    static KafkaTopicSettings topicSettings(ControllerConfig.Kafka kafka) {
        try {
            return new KafkaTopicSettings(
                    kafka.replicationFactor(),
                    kafka.minInsyncReplicas(),
                    retention(kafka.retention()),
                    retention(kafka.deadLetterRetention()));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new IllegalStateException(
                    SettingNames.key(SettingNames.CONTROLLER, SettingNames.KAFKA)
                            + ": replication-factor, min-insync-replicas, retention or"
                            + " dead-letter-retention is invalid: " + e.getMessage(),
                    e);
        }
    }

    /** {@code -1} is forever, as Kafka's own {@code retention.ms=-1}. */
    private static Optional<Duration> retention(String setting) {
        String value = setting.trim();
        return value.equals("-1") ? Optional.empty() : Optional.of(Duration.parse(value));
    }

    @PreDestroy
    synchronized void close() {
        appenders.values().forEach(LogAppender::close);
        provisioners.values().forEach(LogProvisioner::close);
        deadLetters.values().forEach(DeadLetterQueue::close);
        if (sqs != null) {
            sqs.close();
        }
    }
}
