package io.walgate.adapter.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.walgate.adapter.spi.AppendException;
import io.walgate.adapter.spi.AppendReceipt;
import io.walgate.adapter.spi.TestNamespaces;
import io.walgate.contract.Durability;
import io.walgate.contract.EntryId;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.Lifecycle;
import io.walgate.contract.entry.TargetOverride;
import io.walgate.contract.entry.WriteRequest;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.NamespaceSpec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownServerException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Kafka appender's reading of the producer's errors ({@code LogAppender} guarantees 6 and 7),
 * with a {@link MockProducer} that fails where the real one does: inside {@code send()} before the
 * record is queued, or later from its I/O thread.
 */
class KafkaLogAppenderTest {
    private static final EntryId.Generator IDS = new EntryId.Generator();

    private final FailingProducer producer = new FailingProducer();
    private final KafkaLogAppender appender = new KafkaLogAppender(
            producer, Clock.systemUTC(), 1024 * 1024, Duration.ofSeconds(1), Duration.ofSeconds(30));
    private final NamespaceSpec ns = TestNamespaces.newNamespace(BackendType.KAFKA);

    @AfterEach
    void close() {
        appender.close();
    }

    static Stream<Arguments> failuresAfterTheRecordWasQueued() {
        return Stream.of(
                Arguments.of(new RecordTooLargeException("too large"), Durability.FALSE, ErrorCode.PAYLOAD_TOO_LARGE),
                Arguments.of(new InvalidTopicException("bad name"), Durability.FALSE, ErrorCode.BACKEND_UNAVAILABLE),
                Arguments.of(
                        new KafkaException("Producer is closed forcefully."),
                        Durability.UNKNOWN,
                        ErrorCode.BACKEND_UNAVAILABLE),
                Arguments.of(new ProducerFencedException("fenced"), Durability.UNKNOWN, ErrorCode.BACKEND_UNAVAILABLE),
                Arguments.of(new NetworkException("disconnected"), Durability.UNKNOWN, ErrorCode.BACKEND_UNAVAILABLE),
                Arguments.of(
                        new NotEnoughReplicasAfterAppendException("written to the leader only"),
                        Durability.UNKNOWN,
                        ErrorCode.BACKEND_UNAVAILABLE),
                Arguments.of(
                        new TopicAuthorizationException("revoked between two attempts"),
                        Durability.UNKNOWN,
                        ErrorCode.BACKEND_UNAVAILABLE),
                Arguments.of(new UnknownServerException("?"), Durability.UNKNOWN, ErrorCode.BACKEND_UNAVAILABLE),
                Arguments.of(new IllegalStateException("?"), Durability.UNKNOWN, ErrorCode.BACKEND_UNAVAILABLE));
    }

    @ParameterizedTest(name = "{0} after the record was queued is {1}")
    @MethodSource("failuresAfterTheRecordWasQueued")
    void aFailureAfterTheRecordWasQueuedIsFalseOnlyWhenEveryAttemptIsRefused(
            RuntimeException error, Durability expected, ErrorCode code) {
        CompletableFuture<AppendReceipt> append = append();

        producer.errorNext(error);

        AppendException failure = failureOf(append);
        assertThat(failure.durability()).isEqualTo(expected);
        assertThat(failure.code()).isEqualTo(code);
        assertThat(producer.history()).as("not re-sent").hasSize(1);
    }

    static Stream<RuntimeException> failuresInsideSend() {
        return Stream.of(
                new TimeoutException("Topic wal.x not present in metadata after 3000 ms."),
                new BufferExhaustedException("Failed to allocate 1024 bytes within the configured max blocking time"),
                new TopicAuthorizationException("Not authorized to access topics: [wal.x]"),
                new SerializationException("cannot serialize"));
    }

    @ParameterizedTest(name = "{0} inside send() is FALSE")
    @MethodSource("failuresInsideSend")
    void aFailureInsideSendBeforeTheRecordWasQueuedIsFalse(RuntimeException error) {
        producer.failInsideSend = error;

        assertThat(failureOf(append()).durability()).isEqualTo(Durability.FALSE);
    }

    @Test
    void anAppendThroughAClosedProducerIsFalse() {
        producer.close();

        assertThat(failureOf(append()).durability()).isEqualTo(Durability.FALSE);
    }

    @Test
    void anOutOfOrderSequenceIsReSentOnceUnderTheSameEntryIdAndIsDurableWhenTheReSendIsAcked() {
        CompletableFuture<AppendReceipt> append = append();

        producer.errorNext(new OutOfOrderSequenceException("out of order"));
        await().until(() -> producer.history().size() == 2);
        producer.completeNext();

        assertThat(append).succeedsWithin(Duration.ofSeconds(5));
        ProducerRecord<byte[], byte[]> first = producer.history().get(0);
        ProducerRecord<byte[], byte[]> again = producer.history().get(1);
        assertThat(again.value()).isEqualTo(first.value());
        assertThat(again.key()).isEqualTo(first.key());
        assertThat(entryId(again)).isEqualTo(entryId(first));
    }

    @Test
    void anExpiredBatchIsReSentOnceAndIsUnknownWhenTheReSendExpiresToo() {
        CompletableFuture<AppendReceipt> append = append();

        producer.errorNext(new TimeoutException("Expiring 1 record(s) for wal.x-0: 30001 ms has passed"));
        await().until(() -> producer.history().size() == 2);
        producer.errorNext(new TimeoutException("Expiring 1 record(s) for wal.x-0: 30001 ms has passed"));

        AppendException failure = failureOf(append);
        assertThat(failure.durability()).isEqualTo(Durability.UNKNOWN);
        assertThat(failure.code()).isEqualTo(ErrorCode.BACKEND_TIMEOUT);
        assertThat(producer.history()).as("re-sent once, not twice").hasSize(2);
    }

    @Test
    void aReSendThatIsNotAnsweredWithinOneRequestTimeIsUnknownSoThatAnAppendStaysBounded() {
        KafkaLogAppender quick = new KafkaLogAppender(
                producer, Clock.systemUTC(), 1024 * 1024, Duration.ofSeconds(1), Duration.ofMillis(200));
        CompletableFuture<AppendReceipt> append = append(quick);

        producer.errorNext(new TimeoutException("Expiring 1 record(s) for wal.x-0: 30001 ms has passed"));
        await().until(() -> producer.history().size() == 2); // re-sent, and never answered

        AppendException failure = failureOf(append);
        assertThat(failure.durability()).isEqualTo(Durability.UNKNOWN);
        assertThat(failure.code()).isEqualTo(ErrorCode.BACKEND_TIMEOUT);
    }

    @Test
    void aReSendRefusedBeforeItWasQueuedIsStillUnknownBecauseTheFirstAttemptMayHaveLanded() {
        CompletableFuture<AppendReceipt> append = append();
        producer.failInsideSend = new TimeoutException("Topic wal.x not present in metadata after 3000 ms.");

        producer.errorNext(new OutOfOrderSequenceException("out of order"));

        assertThat(failureOf(append).durability()).isEqualTo(Durability.UNKNOWN);
    }

    @Test
    void aFailureOnceTheAppenderIsClosingIsAnsweredNotReSent() {
        CompletableFuture<AppendReceipt> append = append();
        appender.close();

        producer.errorNext(new TimeoutException("Expiring 1 record(s)"));

        assertThat(failureOf(append).durability()).isEqualTo(Durability.UNKNOWN);
        assertThat(producer.history()).hasSize(1);
    }

    private CompletableFuture<AppendReceipt> append() {
        return append(appender);
    }

    private CompletableFuture<AppendReceipt> append(KafkaLogAppender appender) {
        WriteRequest request = new WriteRequest(
                ns.name(),
                Lifecycle.immediate(),
                "hello".getBytes(StandardCharsets.UTF_8),
                new TargetOverride("k", null, Map.of()),
                "k",
                "idem",
                Map.of(),
                "text/plain");
        Instant now = Instant.now();
        Envelope envelope = Envelope.accept(request, IDS.next(), now, now, null);
        return appender.append(ns, envelope).toCompletableFuture();
    }

    private static AppendException failureOf(CompletableFuture<AppendReceipt> append) {
        assertThat(append).failsWithin(Duration.ofSeconds(5));
        return (AppendException) append.handle((ok, e) -> e).join();
    }

    private static String entryId(ProducerRecord<byte[], byte[]> record) {
        return new String(
                record.headers().lastHeader(KafkaLogAppender.ENTRY_ID_HEADER).value(), StandardCharsets.UTF_8);
    }

    /**
     * A MockProducer that can also fail the way KafkaProducer fails before queuing a record: the
     * callback is called on the caller's thread, inside send().
     */
    private static final class FailingProducer extends MockProducer<byte[], byte[]> {
        volatile RuntimeException failInsideSend;

        FailingProducer() {
            super(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
            RuntimeException failure = failInsideSend;
            if (failure != null) {
                callback.onCompletion(null, failure);
                return CompletableFuture.failedFuture(failure);
            }
            return super.send(record, callback);
        }
    }
}
