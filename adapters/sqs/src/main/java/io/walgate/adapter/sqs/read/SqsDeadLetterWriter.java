package io.walgate.adapter.sqs.read;

import io.walgate.adapter.spi.DeadLetterHeaders;
import io.walgate.adapter.spi.DeadLettered;
import io.walgate.adapter.spi.DeliveryProgress;
import io.walgate.contract.entry.Envelope;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Writes a namespace's dead letters to its SQS DLQ: the message body as it came (the envelope, with
 * its history), and the failure as message attributes named as the Kafka headers ({@link
 * DeadLetterHeaders}).
 *
 * <ol>
 *   <li>A write that SQS did not acknowledge answers false, and the source message must not be
 *       deleted: it comes back after its visibility timeout.
 *   <li>Attribute values are cut to 1 KiB: they count against the message's 256 KiB, and an error
 *       message need not be long.
 *   <li>A dead letter SQS acknowledged is reported with its message id ({@link
 *       DeliveryProgress#deadLettered}) before the write returns, so before its source is deleted.
 * </ol>
 */
final class SqsDeadLetterWriter {
    private static final System.Logger LOG = System.getLogger(SqsDeadLetterWriter.class.getName());
    static final int MAX_ATTRIBUTE_BYTES = 1024;

    private final SqsClient sqs;
    private final String namespace;
    private final String region;
    private final Clock clock;
    private final DeliveryProgress progress;

    SqsDeadLetterWriter(SqsClient sqs, String namespace, String region, Clock clock, DeliveryProgress progress) {
        this.sqs = sqs;
        this.namespace = namespace;
        this.region = region;
        this.clock = clock;
        this.progress = progress;
    }

    /**
     * @param entry the envelope of {@code body}; null when the body is none ({@code
     *     MALFORMED_ENVELOPE})
     * @return whether the DLQ has it
     */
    boolean write(String deadLetterUrl, String body, Envelope entry, String code, String message) {
        Instant at = clock.instant();
        Map<String, MessageAttributeValue> attributes = new HashMap<>();
        DeadLetterHeaders.of(entry, code, message, region, at)
                .forEach((name, value) -> attributes.put(
                        name,
                        MessageAttributeValue.builder()
                                .dataType("String")
                                .stringValue(truncate(value))
                                .build()));
        String messageId;
        try {
            messageId = sqs.sendMessage(
                            b -> b.queueUrl(deadLetterUrl).messageBody(body).messageAttributes(attributes))
                    .messageId();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not dead-letter an entry of {0}: {1}", namespace, e.getMessage());
            return false;
        }
        try {
            progress.deadLettered(DeadLettered.of(
                    namespace,
                    region,
                    entry,
                    code,
                    message,
                    at,
                    DeadLettered.Place.sqs(queueName(deadLetterUrl), messageId)));
        } catch (RuntimeException e) {
            // The DLQ has it: a report that fails must not keep the source, to be dead-lettered again.
            LOG.log(Level.WARNING, "dead letter of {0} not reported for the index: {1}", namespace, e.toString());
        }
        return true;
    }

    /** The queue's name: the last segment of its URL. */
    static String queueName(String queueUrl) {
        return queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
    }

    private static String truncate(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        return bytes.length <= MAX_ATTRIBUTE_BYTES
                ? value
                : new String(bytes, 0, MAX_ATTRIBUTE_BYTES, StandardCharsets.UTF_8);
    }
}
