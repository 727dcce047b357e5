package io.walgate.adapter.kafka;

import io.walgate.adapter.spi.AppendException;
import io.walgate.adapter.spi.AppendReceipt;
import io.walgate.adapter.spi.LogAppender;
import io.walgate.contract.Durability;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.EnvelopeCodec;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.NamespaceSpec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Appends to Kafka with one shared idempotent producer ({@code acks=all}): the record key is the
 * partition key, the value the encoded envelope; an entry due later goes to its delay tier.
 *
 * <p>Errors are read conservatively ({@link KafkaFailures}): only a failure that proves no attempt
 * reached the broker, or a refusal every attempt gets, is {@link Durability#FALSE}; anything that
 * may come after the broker wrote the record is {@link Durability#UNKNOWN}.
 */
final class KafkaLogAppender implements LogAppender {
    static final String ENTRY_ID_HEADER = "walgate-entry-id";
    static final String DELIVER_AT_HEADER = "walgate-deliver-at";
    static final String TRACEPARENT_HEADER = "traceparent";

    private final Producer<byte[], byte[]> producer;
    private final Clock clock;
    private final Duration closeTimeout;
    private final Duration resendWait;
    private final ScheduledExecutorService resender = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "walgate-kafka-resend");
        t.setDaemon(true);
        return t;
    });

    /** Set by {@link #close}: an append failing from then on is answered, not re-sent. */
    private volatile boolean closing;

    /** Bytes of a request kept for the envelope's other fields, the record key and headers. */
    static final int ENVELOPE_ROOM = 64 * 1024;

    private final int maxInlinePayloadBytes;

    /**
     * @param maxInlinePayloadBytes the producer's {@code max.request.size} less {@link #ENVELOPE_ROOM}
     * @param closeTimeout how long {@link #close} waits for appends in flight; those still unanswered
     *     then are aborted and answered UNKNOWN
     * @param resendWait how long a re-send may take before the append is answered UNKNOWN, so that
     *     an append takes at most {@code delivery.timeout.ms} plus this (the gateway's idempotency
     *     lease must be longer)
     */
    KafkaLogAppender(
            Producer<byte[], byte[]> producer,
            Clock clock,
            int maxInlinePayloadBytes,
            Duration closeTimeout,
            Duration resendWait) {
        this.resendWait = resendWait;
        this.maxInlinePayloadBytes = maxInlinePayloadBytes;
        this.producer = producer;
        this.clock = clock;
        this.closeTimeout = closeTimeout;
    }

    @Override
    public int maxInlinePayloadBytes() {
        return maxInlinePayloadBytes;
    }

    @Override
    public BackendType backend() {
        return BackendType.KAFKA;
    }

    @Override
    public CompletionStage<AppendReceipt> append(NamespaceSpec namespace, Envelope envelope) {
        var unstorable = AppendException.unstorable(envelope);
        if (unstorable.isPresent()) {
            return CompletableFuture.failedFuture(unstorable.get());
        }
        String topic = route(namespace.backend().topic(), envelope);
        RecordHeaders headers = new RecordHeaders();
        headers.add(ENTRY_ID_HEADER, envelope.id().toString().getBytes(StandardCharsets.UTF_8));
        headers.add(
                DELIVER_AT_HEADER,
                Long.toString(envelope.deliverAt().toEpochMilli()).getBytes(StandardCharsets.UTF_8));
        if (envelope.traceparent() != null) {
            headers.add(TRACEPARENT_HEADER, envelope.traceparent().getBytes(StandardCharsets.UTF_8));
        }
        byte[] key =
                envelope.partitionKey() == null ? null : envelope.partitionKey().getBytes(StandardCharsets.UTF_8);
        ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>(topic, null, key, EnvelopeCodec.encode(envelope), headers);

        CompletableFuture<AppendReceipt> result = new CompletableFuture<>();
        send(record, result, true);
        return result;
    }

    /**
     * Sends {@code record} and completes {@code result}; a failure that KAFKA-15591 explains is
     * re-sent once (the same bytes, so the same entry id) before it is answered.
     */
    private void send(
            ProducerRecord<byte[], byte[]> record, CompletableFuture<AppendReceipt> result, boolean firstAttempt) {
        String topic = record.topic();
        // KafkaProducer reports a failure raised before the record reached its accumulator by
        // calling the callback on the caller's thread, inside send(); from the sender thread
        // otherwise. That tells "nothing was sent" from "it may have been".
        Thread caller = Thread.currentThread();
        AtomicBoolean inSend = new AtomicBoolean(true);
        try {
            producer.send(record, (metadata, error) -> {
                if (error == null) {
                    result.complete(new AppendReceipt(topic, metadata.partition() + "-" + metadata.offset()));
                    return;
                }
                boolean beforeAccumulator = inSend.get() && Thread.currentThread() == caller;
                if (firstAttempt && !beforeAccumulator && !closing && KafkaFailures.worthResending(error)) {
                    resend(record, result, error);
                } else {
                    result.completeExceptionally(failure(topic, error, beforeAccumulator, firstAttempt));
                }
            });
        } catch (RuntimeException e) {
            // Thrown before the record was handed to the producer (a closed producer, a
            // serialization error): this attempt cannot be in the log.
            result.completeExceptionally(failure(topic, e, true, firstAttempt));
        } finally {
            inSend.set(false);
        }
    }

    /**
     * On another thread: this runs in the producer's callback, on its I/O thread, and a send can
     * block there (a full buffer) waiting for that same thread.
     */
    private void resend(
            ProducerRecord<byte[], byte[]> record, CompletableFuture<AppendReceipt> result, Throwable first) {
        try {
            resender.execute(() -> send(record, result, false));
            ScheduledFuture<?> giveUp = resender.schedule(
                    () -> result.completeExceptionally(new AppendException(
                            ErrorCode.BACKEND_TIMEOUT,
                            Durability.UNKNOWN,
                            "Kafka did not confirm the write to " + record.topic() + " nor its re-send within "
                                    + resendWait.toMillis() + " ms; it may or may not be in the log",
                            first)),
                    resendWait.toMillis(),
                    TimeUnit.MILLISECONDS);
            result.whenComplete((ok, e) -> giveUp.cancel(false));
        } catch (RejectedExecutionException closed) {
            result.completeExceptionally(failure(record.topic(), first, false, true));
        }
    }

    /** A re-send's failure cannot be FALSE: the first attempt may have been written. */
    private static AppendException failure(
            String topic, Throwable error, boolean beforeAccumulator, boolean firstAttempt) {
        AppendException classified = KafkaFailures.classify(topic, error, beforeAccumulator);
        if (firstAttempt || classified.durability() != Durability.FALSE) {
            return classified;
        }
        return new AppendException(
                ErrorCode.BACKEND_TIMEOUT,
                Durability.UNKNOWN,
                "Kafka did not confirm the write to " + topic + " and its re-send failed: " + error.getMessage()
                        + "; it may or may not be in the log",
                error);
    }

    /** The main topic, or the delay tier the entry waits in. */
    private String route(String logTopic, Envelope envelope) {
        Duration remaining = Duration.between(clock.instant(), envelope.deliverAt());
        return KafkaDelayTiers.tierFor(remaining)
                .map(tier -> KafkaDelayTiers.topicName(logTopic, tier))
                .orElse(logTopic);
    }

    @Override
    public void close() {
        closing = true;
        producer.close(closeTimeout);
        resender.shutdown();
    }
}
