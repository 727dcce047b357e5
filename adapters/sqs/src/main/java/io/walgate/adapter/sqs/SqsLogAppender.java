package io.walgate.adapter.sqs;

import io.walgate.adapter.spi.AppendException;
import io.walgate.adapter.spi.AppendReceipt;
import io.walgate.adapter.spi.LogAppender;
import io.walgate.contract.Durability;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.EnvelopeCodec;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.NamespaceSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * Appends to SQS: the body is the encoded envelope in base64 (SQS bodies are text), delayed
 * entries use {@code DelaySeconds} up to SQS's 15 minutes, and the worker re-enqueues what is left
 * of a longer delay. Sends run on a bounded pool of the sync client's threads.
 */
final class SqsLogAppender implements LogAppender {
    /** SQS's limit on a message, body and attributes together. */
    static final int MAX_MESSAGE_BYTES = 256 * 1024;

    static final int MAX_DELAY_SECONDS = 900;
    static final String ENTRY_ID_ATTRIBUTE = "walgate-entry-id";
    static final String DELIVER_AT_ATTRIBUTE = "walgate-deliver-at";

    private final SqsClient sqs;
    private final ExecutorService senders;
    private final Clock clock;
    private final Map<String, String> queueUrls = new ConcurrentHashMap<>();

    private final Duration closeTimeout;

    /** @param closeTimeout how long {@link #close} waits for sends in flight; they finish on their own after */
    SqsLogAppender(SqsClient sqs, ExecutorService senders, Clock clock, Duration closeTimeout) {
        this.sqs = sqs;
        this.senders = senders;
        this.clock = clock;
        this.closeTimeout = closeTimeout;
    }

    /**
     * The body is base64 (4 bytes per 3) within SQS's limit, less 512 bytes of attributes and 16
     * KiB for the envelope's other fields: about 175 KiB.
     */
    @Override
    public int maxInlinePayloadBytes() {
        return (MAX_MESSAGE_BYTES - 512) / 4 * 3 - 16 * 1024;
    }

    @Override
    public BackendType backend() {
        return BackendType.SQS;
    }

    @Override
    public CompletionStage<AppendReceipt> append(NamespaceSpec namespace, Envelope envelope) {
        var unstorable = AppendException.unstorable(envelope);
        if (unstorable.isPresent()) {
            return CompletableFuture.failedFuture(unstorable.get());
        }
        String queue = namespace.backend().topic();
        String body = Base64.getEncoder().encodeToString(EnvelopeCodec.encode(envelope));
        if (body.length() + 512 > MAX_MESSAGE_BYTES) {
            return CompletableFuture.failedFuture(new AppendException(
                    ErrorCode.PAYLOAD_TOO_LARGE,
                    Durability.FALSE,
                    "the entry encodes to " + body.length() + " bytes; an SQS message holds at most "
                            + MAX_MESSAGE_BYTES,
                    null));
        }
        try {
            return CompletableFuture.supplyAsync(() -> send(queue, body, envelope), senders);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new AppendException(
                    ErrorCode.BACKEND_UNAVAILABLE, Durability.FALSE, "the SQS appender is closed", e));
        }
    }

    private AppendReceipt send(String queue, String body, Envelope envelope) {
        long waitSeconds =
                Duration.between(clock.instant(), envelope.deliverAt()).toSeconds();
        int delay = (int) Math.max(0, Math.min(MAX_DELAY_SECONDS, waitSeconds));
        Map<String, MessageAttributeValue> attributes = new HashMap<>();
        attributes.put(ENTRY_ID_ATTRIBUTE, text(envelope.id().toString()));
        attributes.put(
                DELIVER_AT_ATTRIBUTE,
                MessageAttributeValue.builder()
                        .dataType("Number")
                        .stringValue(Long.toString(envelope.deliverAt().toEpochMilli()))
                        .build());
        if (envelope.traceparent() != null) {
            attributes.put("traceparent", text(envelope.traceparent()));
        }
        String url;
        try {
            url = queueUrls.computeIfAbsent(
                    queue, q -> sqs.getQueueUrl(b -> b.queueName(q)).queueUrl());
        } catch (QueueDoesNotExistException e) {
            throw new AppendException(
                    ErrorCode.BACKEND_UNAVAILABLE,
                    Durability.FALSE,
                    "queue " + queue + " does not exist (is the namespace provisioned?)",
                    e);
        } catch (SdkException e) {
            // Only the URL was asked for: the message itself was never sent.
            throw new AppendException(
                    ErrorCode.BACKEND_UNAVAILABLE,
                    Durability.FALSE,
                    "cannot look up queue " + queue + " (nothing was sent): " + e.getMessage(),
                    e);
        }
        try {
            String id = sqs.sendMessage(b -> b.queueUrl(url)
                            .messageBody(body)
                            .delaySeconds(delay)
                            .messageAttributes(attributes))
                    .messageId();
            return new AppendReceipt(queue, id);
        } catch (SdkException e) {
            if (e instanceof QueueDoesNotExistException) {
                queueUrls.remove(queue);
            }
            boolean notStored = SqsFailures.certainlyNotStored(e);
            boolean answered = e instanceof SqsException;
            throw new AppendException(
                    answered || notStored ? ErrorCode.BACKEND_UNAVAILABLE : ErrorCode.BACKEND_TIMEOUT,
                    notStored ? Durability.FALSE : Durability.UNKNOWN,
                    notStored
                            ? "SQS did not take the write to " + queue + ": " + e.getMessage()
                            : "SQS did not confirm the write to " + queue + "; it may or may not be in the queue: "
                                    + e.getMessage(),
                    e);
        }
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder()
                .dataType("String")
                .stringValue(value)
                .build();
    }

    @Override
    public void close() {
        senders.shutdown();
        try {
            senders.awaitTermination(closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
