package io.walgate.adapter.kafka.read;

import io.walgate.adapter.spi.DeadLetterHeaders;
import io.walgate.adapter.spi.DeadLettered;
import io.walgate.adapter.spi.DeliveryProgress;
import io.walgate.adapter.spi.Verdict;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.EnvelopeCodec;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.ResourceNames;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes a namespace's dead letters to its DLQ topic: the entry (with its history) as the value,
 * the source record's key, and the failure in {@link DeadLetterHeaders}.
 *
 * <ol>
 *   <li>A write returns only once the broker acknowledged it ({@code acks=all}); otherwise it throws
 *       {@link IllegalStateException}, and the delivery must not commit past the entry.
 *   <li>It waits at most 60 s on top of the producer's own {@code max.block.ms}; the producer's
 *       settings ({@code KafkaClientConfigs.deadLetterProducer}) end every send within that.
 *   <li>The producer is the reader's, shared by every subscription (each write waits for its own
 *       send only), and is not closed here. Writes may be {@link #start}ed together and awaited in
 *       turn: a batch's dead letters then cost one round trip, not one each.
 *   <li>Once the broker acknowledged a dead letter, {@link #await} reports it with its partition
 *       and offset ({@link DeliveryProgress#deadLettered}) on the caller's thread, before the caller
 *       settles its source.
 * </ol>
 */
final class DeadLetterWriter {
    private static final System.Logger LOG = System.getLogger(DeadLetterWriter.class.getName());

    private final Producer<byte[], byte[]> producer;
    private final String namespace;
    private final String region;
    private final String topic;
    private final Clock clock;
    private final DeliveryProgress progress;

    /** A dead letter on its way to the broker: {@link #await} it. */
    record Pending(Future<RecordMetadata> sent, Envelope entry, String code, String message, Instant at) {}

    DeadLetterWriter(
            Producer<byte[], byte[]> producer,
            NamespaceSpec namespace,
            String region,
            Clock clock,
            DeliveryProgress progress) {
        this.producer = producer;
        this.progress = progress;
        this.namespace = namespace.name();
        this.region = region;
        this.topic = ResourceNames.deadLetterName(
                BackendType.KAFKA, namespace.backend().topic());
        this.clock = clock;
    }

    /** An entry the target refused for good, or that ran out of attempts. */
    void write(byte[] key, Verdict.Dead dead) {
        await(start(key, dead));
    }

    /** As {@link #write(byte[], Verdict.Dead)}, without waiting: {@link #await} the answer. */
    Pending start(byte[] key, Verdict.Dead dead) {
        LOG.log(
                Level.WARNING,
                "entry {0} of {1} dead-lettered after attempt {2}, {3}: {4} {5}",
                dead.dead().id(),
                namespace,
                dead.dead().attempt(),
                dead.why(),
                dead.code(),
                dead.message());
        return start(key, EnvelopeCodec.encode(dead.dead()), dead.dead(), dead.code(), dead.message());
    }

    /**
     * A record as it is: {@code entry} is its envelope, or null when it is none ({@code
     * MALFORMED_ENVELOPE}).
     */
    void write(byte[] key, byte[] value, Envelope entry, String code, String message) {
        await(start(key, value, entry, code, message));
    }

    /** As {@link #write(byte[], byte[], Envelope, String, String)}, without waiting. */
    Pending start(byte[] key, byte[] value, Envelope entry, String code, String message) {
        Instant at = clock.instant();
        RecordHeaders headers = new RecordHeaders();
        DeadLetterHeaders.of(entry, code, message, region, at)
                .forEach((name, text) -> headers.add(name, text.getBytes(StandardCharsets.UTF_8)));
        Future<RecordMetadata> sent;
        try {
            sent = producer.send(new ProducerRecord<>(topic, null, key, value, headers));
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return new Pending(sent, entry, code, message, at);
    }

    /**
     * Waits for a write {@link #start}ed before: returns once the broker acknowledged it (and it was
     * reported), else throws.
     */
    void await(Pending pending) {
        RecordMetadata placed;
        try {
            placed = pending.sent().get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing to the dead-letter topic " + topic, e);
        } catch (Exception e) {
            // Never commit past an entry that is neither applied nor dead-lettered.
            throw new IllegalStateException(
                    "cannot write to the dead-letter topic " + topic + ": " + e.getMessage(), e);
        }
        try {
            progress.deadLettered(DeadLettered.of(
                    namespace,
                    region,
                    pending.entry(),
                    pending.code(),
                    pending.message(),
                    pending.at(),
                    DeadLettered.Place.kafka(topic, placed.partition(), placed.offset())));
        } catch (RuntimeException e) {
            // The DLQ has it: a report that fails must not write it twice.
            LOG.log(Level.WARNING, "dead letter of {0} not reported for the index: {1}", namespace, e.toString());
        }
    }
}
