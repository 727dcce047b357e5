package io.walgate.adapter.sqs.read;

import static org.assertj.core.api.Assertions.assertThat;

import io.walgate.adapter.spi.DeadLettered;
import io.walgate.adapter.spi.DeliveryProgress;
import io.walgate.adapter.spi.HandClock;
import io.walgate.adapter.spi.TestEntries;
import io.walgate.contract.entry.Envelope;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

class SqsDeadLetterWriterTest {
    private static final String DLQ = "http://sqs.local/000000000000/orders-dlq";

    private final HandClock clock = new HandClock();
    private final List<SendMessageRequest> sent = new ArrayList<>();
    private boolean down;

    private final SqsClient sqs = new SqsClient() {
        @Override
        public SendMessageResponse sendMessage(SendMessageRequest request) {
            if (down) {
                throw SdkClientException.create("connection refused");
            }
            sent.add(request);
            return SendMessageResponse.builder().messageId("m-" + sent.size()).build();
        }

        @Override
        public String serviceName() {
            return "sqs";
        }

        @Override
        public void close() {}
    };

    private final List<DeadLettered> indexed = new ArrayList<>();
    private final SqsDeadLetterWriter writer =
            new SqsDeadLetterWriter(sqs, "orders", "eu", clock, new DeliveryProgress() {
                @Override
                public void deadLettered(DeadLettered letter) {
                    indexed.add(letter);
                }
            });

    @Test
    void aDeadLetterCarriesTheBodyAsItCameAndItsFailureAsAttributes() {
        Envelope entry = TestEntries.dueAt(clock.instant()).withFailure("HTTP_503", "busy", clock.instant());

        assertThat(writer.write(DLQ, "the body", entry, "HTTP_400", "bad request"))
                .isTrue();

        assertThat(sent).singleElement().satisfies(m -> {
            assertThat(m.queueUrl()).isEqualTo(DLQ);
            assertThat(m.messageBody()).isEqualTo("the body");
            assertThat(m.messageAttributes().get("walgate-error-code").stringValue())
                    .isEqualTo("HTTP_400");
            assertThat(m.messageAttributes().get("walgate-first-error-code").stringValue())
                    .isEqualTo("HTTP_503");
            assertThat(m.messageAttributes().get("walgate-region").stringValue())
                    .isEqualTo("eu");
            assertThat(m.messageAttributes().get("walgate-dead-at").stringValue())
                    .isEqualTo(clock.instant().toString());
        });
    }

    @Test
    void aDeadLetterSqsTookIsReportedWithItsMessageId() {
        Envelope entry = TestEntries.dueAt(clock.instant()).withFailure("HTTP_503", "busy", clock.instant());

        writer.write(DLQ, "the body", entry, "HTTP_400", "bad request");

        assertThat(indexed).singleElement().satisfies(letter -> {
            assertThat(letter.namespace()).isEqualTo("orders");
            assertThat(letter.region()).isEqualTo("eu");
            assertThat(letter.entryId()).isEqualTo(entry.id().toString());
            assertThat(letter.firstErrorCode()).isEqualTo("HTTP_503");
            assertThat(letter.errorCode()).isEqualTo("HTTP_400");
            assertThat(letter.deadAt()).isEqualTo(clock.instant());
            assertThat(letter.at()).isEqualTo(DeadLettered.Place.sqs("orders-dlq", "m-1"));
        });
    }

    @Test
    void aLongErrorMessageIsCutSoTheDeadLetterStillFitsInAMessage() {
        String huge = "é".repeat(10_000);

        writer.write(DLQ, "body", null, "MALFORMED_ENVELOPE", huge);

        String kept =
                sent.get(0).messageAttributes().get("walgate-error-message").stringValue();
        assertThat(kept.getBytes(StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(SqsDeadLetterWriter.MAX_ATTRIBUTE_BYTES);
        assertThat(huge).startsWith(kept);
    }

    @Test
    void aDeadLetterSqsDidNotTakeSaysSoSoTheSourceIsNotDeleted() {
        down = true;

        assertThat(writer.write(DLQ, "body", null, "MALFORMED_ENVELOPE", "not an envelope"))
                .isFalse();
        assertThat(indexed)
                .as("nothing to index: the source stays in its queue")
                .isEmpty();
    }
}
