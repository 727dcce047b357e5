package io.walgate.controller;

import io.walgate.adapter.spi.DeadLetterHeaders;
import io.walgate.contract.EntryId;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.EnvelopeCodec;
import io.walgate.contract.entry.TargetOp;
import io.walgate.contract.entry.TargetOverride;
import io.walgate.devstack.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Puts dead letters where a worker puts them: the record into a namespace's real DLQ (Kafka topic
 * or SQS queue), then its row into the controller's index, as the worker's {@code DeadLetterIndex}
 * writes it (the e2e suite checks the worker's own rows).
 */
final class DeadLetterShelf implements AutoCloseable {
    private static final EntryId.Generator IDS = new EntryId.Generator();

    private final Connection db;
    private final KafkaProducer<byte[], byte[]> kafka;
    private final SqsClient sqs;

    DeadLetterShelf(String database, SqsClient sqs) throws SQLException {
        var devstack = ControllerDevstack.devstack();
        this.db = DriverManager.getConnection(devstack.postgres().jdbcUrl(database) + "?user=" + PostgresServer.USER);
        Properties p = new Properties();
        p.put("bootstrap.servers", devstack.kafka().bootstrapServers());
        this.kafka = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.sqs = sqs;
    }

    /** A dead letter as the shelf put it. */
    record Shelved(Envelope entry, Instant deadAt) {
        String id() {
            return entry.id().toString();
        }
    }

    /** An entry of {@code namespace} for target key {@code key}, as the gateway logs it: never failed. */
    static Envelope fresh(String namespace, String key) {
        Instant now = Instant.now();
        return new Envelope(
                IDS.next(),
                namespace,
                1,
                now,
                now,
                now,
                "pk-" + key,
                null,
                "application/json",
                null,
                Map.of("origin", "test"),
                new TargetOverride(key, TargetOp.PUT, Map.of()),
                ("{\"key\":\"" + key + "\"}").getBytes(StandardCharsets.UTF_8),
                null);
    }

    /** An entry of {@code namespace} for target key {@code key} with a JSON payload naming it, failed once. */
    static Envelope entry(String namespace, String key, String errorCode) {
        Envelope e = fresh(namespace, key);
        return e.withFailure(errorCode, "refused: " + key, e.acceptedAt());
    }

    /** Shelves {@code entry} in Kafka DLQ topic {@code dlq}, dead in {@code region} at {@code deadAt}. */
    Shelved kafka(String dlq, Envelope entry, String region, Instant deadAt) throws Exception {
        RecordMetadata placed = kafka.send(new ProducerRecord<>(
                        dlq, entry.partitionKey().getBytes(StandardCharsets.UTF_8), EnvelopeCodec.encode(entry)))
                .get(30, TimeUnit.SECONDS);
        index(entry, region, deadAt, dlq, placed.partition(), placed.offset(), null);
        return new Shelved(entry, deadAt);
    }

    /** Shelves {@code entry} in SQS DLQ {@code queue}, as the worker writes it (the envelope in base64). */
    Shelved sqs(String queue, Envelope entry, String region, Instant deadAt) throws Exception {
        String url = sqs.getQueueUrl(b -> b.queueName(queue)).queueUrl();
        String body = Base64.getEncoder().encodeToString(EnvelopeCodec.encode(entry));
        String messageId =
                sqs.sendMessage(b -> b.queueUrl(url).messageBody(body)).messageId();
        index(entry, region, deadAt, queue, -1, -1, messageId);
        return new Shelved(entry, deadAt);
    }

    /**
     * Puts {@code entry} into Kafka DLQ topic {@code dlq} with the worker's headers, and not into
     * the index: a dead letter the worker could not record.
     */
    void kafkaUnindexed(String dlq, Envelope entry, String region, Instant deadAt) throws Exception {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(
                dlq, entry.partitionKey().getBytes(StandardCharsets.UTF_8), EnvelopeCodec.encode(entry));
        headers(entry, region, deadAt).forEach((k, v) -> r.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
        kafka.send(r).get(30, TimeUnit.SECONDS);
    }

    /** As {@link #kafkaUnindexed}, into SQS DLQ {@code queue}, the headers as message attributes. */
    void sqsUnindexed(String queue, Envelope entry, String region, Instant deadAt) {
        String url = sqs.getQueueUrl(b -> b.queueName(queue)).queueUrl();
        Map<String, MessageAttributeValue> attributes = new HashMap<>();
        headers(entry, region, deadAt)
                .forEach((k, v) -> attributes.put(
                        k,
                        MessageAttributeValue.builder()
                                .dataType("String")
                                .stringValue(v)
                                .build()));
        sqs.sendMessage(b -> b.queueUrl(url)
                .messageBody(Base64.getEncoder().encodeToString(EnvelopeCodec.encode(entry)))
                .messageAttributes(attributes));
    }

    private static Map<String, String> headers(Envelope e, String region, Instant deadAt) {
        return DeadLetterHeaders.of(e, e.history().lastErrorCode(), e.history().lastErrorMessage(), region, deadAt);
    }

    /** Indexes {@code entry} as dead in {@code region}, with no record behind it (for access tests). */
    void indexOnly(Envelope entry, String region, Instant deadAt) throws SQLException {
        index(entry, region, deadAt, "nowhere", 0, 0, null);
    }

    /** Indexes {@code n} dead letters of {@code namespace} in {@code region} at once, with no record behind them. */
    void indexMany(String namespace, String region, int n) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("INSERT INTO dead_letters (namespace, region, entry_id,"
                + " partition_key, first_error_code, error_code, error_message, attempts, dead_at, dlq, dlq_partition,"
                + " dlq_offset) SELECT ?, ?, gen_random_uuid()::text, 'pk-' || i, 'HTTP_503', 'HTTP_503', 'busy', 1,"
                + " now(), ?, 0, i FROM generate_series(1, ?) AS i")) {
            s.setString(1, namespace);
            s.setString(2, region);
            s.setString(3, "nowhere-" + namespace);
            s.setInt(4, n);
            s.executeUpdate();
        }
    }

    private void index(
            Envelope e, String region, Instant deadAt, String dlq, int partition, long offset, String messageId)
            throws SQLException {
        try (PreparedStatement s = db.prepareStatement("INSERT INTO dead_letters (namespace, region, entry_id,"
                + " partition_key, target_key, first_error_code, first_error_message, error_code, error_message,"
                + " attempts, accepted_at, dead_at, dlq, dlq_partition, dlq_offset, message_id)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, e.namespace());
            s.setString(2, region);
            s.setString(3, e.id().toString());
            s.setString(4, e.partitionKey());
            s.setString(5, e.target().key());
            s.setString(6, e.history().firstErrorCode());
            s.setString(7, e.history().firstErrorMessage());
            s.setString(8, e.history().lastErrorCode());
            s.setString(9, e.history().lastErrorMessage());
            s.setInt(10, e.attempt());
            s.setObject(11, OffsetDateTime.ofInstant(e.acceptedAt(), ZoneOffset.UTC));
            s.setObject(12, OffsetDateTime.ofInstant(deadAt, ZoneOffset.UTC));
            s.setString(13, dlq);
            if (messageId == null) {
                s.setInt(14, partition);
                s.setLong(15, offset);
            } else {
                s.setNull(14, Types.INTEGER);
                s.setNull(15, Types.BIGINT);
            }
            s.setString(16, messageId);
            s.executeUpdate();
        }
    }

    @Override
    public void close() throws Exception {
        kafka.close();
        db.close();
    }
}
