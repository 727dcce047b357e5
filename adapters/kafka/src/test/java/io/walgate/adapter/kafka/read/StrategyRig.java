package io.walgate.adapter.kafka.read;

import io.walgate.adapter.spi.AppendException;
import io.walgate.adapter.spi.AppendReceipt;
import io.walgate.adapter.spi.DeadLettered;
import io.walgate.adapter.spi.DeliveryProgress;
import io.walgate.adapter.spi.EntryHandler;
import io.walgate.adapter.spi.HandClock;
import io.walgate.adapter.spi.LogAppender;
import io.walgate.adapter.spi.TestEntries;
import io.walgate.adapter.spi.TestNamespaces;
import io.walgate.adapter.spi.Verdict;
import io.walgate.contract.Durability;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.EnvelopeCodec;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.DeliverySpec;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.Ordering;
import io.walgate.contract.namespace.RetryPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One ordering strategy with every part it settles with, on a hand-moved clock: a {@link
 * MockConsumer} assigned two log partitions, a {@link MockProducer} for the DLQ, a scripted handler
 * (deciding retries as the engine does, without jitter) and a recording appender. No thread, no
 * broker.
 */
final class StrategyRig {
    final HandClock clock = new HandClock();
    final NamespaceSpec namespace;
    final TopicPartition p0;
    final TopicPartition p1;
    final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("none");
    /** Sends to the log and the DLQ, and waits for re-appends, in the order they happened. */
    final List<String> sendOrder = new ArrayList<>();

    final MockProducer<byte[], byte[]> dlq =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
                @Override
                public synchronized Future<RecordMetadata> send(
                        ProducerRecord<byte[], byte[]> record, Callback callback) {
                    sendOrder.add("dlq " + new String(record.key(), StandardCharsets.UTF_8));
                    return super.send(record, callback);
                }
            };
    final OffsetLedger ledger = new OffsetLedger();
    final Pauses pauses = new Pauses(consumer);
    final OrderingStrategy strategy;

    /** Keys in the order the target was asked to apply them. */
    final List<String> applied = new ArrayList<>();
    /** Sizes of the target's {@code applyAll} calls. */
    final List<Integer> batches = new ArrayList<>();
    /** Entries re-appended to the log, in order. */
    final List<Envelope> reappended = new ArrayList<>();
    /** Dead letters reported for the index, each with how far partition 0 could be committed then. */
    final List<Indexed> indexed = new ArrayList<>();

    record Indexed(DeadLettered letter, long p0CommittableUpTo) {}

    /** How many re-appends were tried. */
    int appendCalls;
    /** The log takes no append at all (while set), as when it is down. */
    boolean logDown;
    /** What the next re-appends throw (once each), instead of appending. */
    final Deque<RuntimeException> appendFailures = new ArrayDeque<>();

    private final Map<String, Deque<Outcome>> script = new HashMap<>();

    /** What the scripted target answers for one apply. */
    record Outcome(boolean transientFailure, String code, String message) {
        static Outcome retry(String code, String message) {
            return new Outcome(true, code, message);
        }

        static Outcome permanent(String code, String message) {
            return new Outcome(false, code, message);
        }
    }

    StrategyRig(Ordering ordering, int maxAttempts) {
        this(ordering, maxAttempts, 1, Runnable::run);
    }

    /** With {@code lanes} lanes whose applies run on {@code applies} (the calling thread above). */
    StrategyRig(Ordering ordering, int maxAttempts, int lanes, Executor applies) {
        NamespaceSpec base = TestNamespaces.newNamespace(BackendType.KAFKA);
        namespace = base.withDelivery(new DeliverySpec(ordering, base.delivery().maxDelay()))
                .withRetry(new RetryPolicy(maxAttempts, Duration.ofSeconds(1), 2.0, Duration.ofMinutes(1), 0.0));
        p0 = new TopicPartition(namespace.backend().topic(), 0);
        p1 = new TopicPartition(namespace.backend().topic(), 1);
        consumer.assign(List.of(p0, p1));
        consumer.updateBeginningOffsets(Map.of(p0, 0L, p1, 0L));
        consumer.seekToBeginning(List.of(p0, p1));

        DeliveryProgress progress = new DeliveryProgress() {
            @Override
            public void deadLettered(DeadLettered letter) {
                indexed.add(new Indexed(letter, committable().getOrDefault(p0, 0L)));
            }
        };
        DeadLetterWriter deadLetters = new DeadLetterWriter(dlq, namespace, "local", clock, progress);
        Reappender reappender = new Reappender(namespace, appender(), deadLetters, progress);
        EntryHandler handler = handler();
        var parts = new OrderingStrategy.Parts(
                "local",
                new Lanes(() -> handler, lanes, applies, applies),
                new DelayLadder(namespace.backend().topic()),
                pauses,
                ledger,
                reappender,
                deadLetters,
                clock,
                () -> true);
        strategy = ordering == Ordering.KEY ? new KeyOrderedStrategy(parts) : new UnorderedStrategy(parts);
    }

    /** The target answers {@code outcomes} for {@code key}, one per apply, then applies it. */
    void script(String key, Outcome... outcomes) {
        script.computeIfAbsent(key, k -> new ArrayDeque<>()).addAll(List.of(outcomes));
    }

    /** An entry of {@code key}, due now. */
    Envelope due(String key) {
        return TestEntries.of(namespace.name(), key, clock.instant(), clock.instant());
    }

    /** An entry of {@code key}, due {@code in} from now. */
    Envelope dueIn(String key, Duration in) {
        return TestEntries.of(
                namespace.name(), key, clock.instant(), clock.instant().plus(in));
    }

    ConsumerRecord<byte[], byte[]> record(TopicPartition partition, long offset, Envelope entry) {
        return bytes(
                partition.topic(), partition.partition(), offset, EnvelopeCodec.encode(entry), entry.partitionKey());
    }

    ConsumerRecord<byte[], byte[]> bytes(String topic, int partition, long offset, byte[] value, String key) {
        return new ConsumerRecord<>(
                topic,
                partition,
                offset,
                clock.instant().toEpochMilli(),
                TimestampType.LOG_APPEND_TIME,
                0,
                value.length,
                key.getBytes(StandardCharsets.UTF_8),
                value,
                new RecordHeaders(),
                Optional.empty());
    }

    /** Hands a poll of {@code records} to the strategy and settles it, partition by partition in log order. */
    void deliver(List<ConsumerRecord<byte[], byte[]>> records) {
        deliverOnly(records);
        for (int round = 0; strategy.busy(); round++) {
            if (round == 100) {
                throw new IllegalStateException("applies still under way: is their executor run by hand?");
            }
            strategy.collect(); // the applies ran on the calling thread: each is done
        }
    }

    /** Hands a poll to the strategy and collects nothing: applies may still be under way. */
    void deliverOnly(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> byPartition = new LinkedHashMap<>();
        records.forEach(r -> byPartition
                .computeIfAbsent(new TopicPartition(r.topic(), r.partition()), p -> new ArrayList<>())
                .add(r));
        strategy.deliver(new ConsumerRecords<>(byPartition, Map.of()));
    }

    /** The offset each partition may be committed up to now. */
    Map<TopicPartition, Long> committable() {
        Map<TopicPartition, Long> due = new HashMap<>();
        ledger.unconfirmed(strategy::firstHeld).forEach((p, o) -> due.put(p, o.offset()));
        return due;
    }

    /** A header of a dead letter, as text. */
    static String header(ProducerRecord<byte[], byte[]> deadLetter, String name) {
        Header h = deadLetter.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private EntryHandler handler() {
        return new EntryHandler() {
            @Override
            public Verdict handle(Envelope entry) {
                String key = entry.target().key();
                applied.add(key);
                Deque<Outcome> outcomes = script.get(key);
                Outcome outcome = outcomes == null ? null : outcomes.poll();
                if (outcome == null) {
                    return new Verdict.Done();
                }
                Instant now = clock.instant();
                Envelope failed = entry.withFailure(outcome.code(), outcome.message(), now);
                if (outcome.transientFailure()
                        && entry.attempt() < namespace.retry().maxAttempts()) {
                    return new Verdict.Retry(
                            failed.retryAt(now.plus(namespace.retry().backoff(entry.attempt())))
                                    .forRegion("local")); // as the engine marks it
                }
                return new Verdict.Dead(failed, outcome.code(), outcome.message(), "scripted");
            }

            @Override
            public List<Verdict> handleAll(List<Envelope> entries) {
                batches.add(entries.size());
                return EntryHandler.super.handleAll(entries);
            }

            @Override
            public void close() {}
        };
    }

    private LogAppender appender() {
        return new LogAppender() {
            @Override
            public CompletionStage<AppendReceipt> append(NamespaceSpec ns, Envelope envelope) {
                appendCalls++;
                RuntimeException failure = logDown
                        ? new AppendException(ErrorCode.BACKEND_UNAVAILABLE, Durability.UNKNOWN, "down", null)
                        : appendFailures.poll();
                if (failure != null) {
                    return CompletableFuture.failedFuture(failure);
                }
                reappended.add(envelope);
                sendOrder.add("append " + envelope.target().key());
                CompletableFuture<AppendReceipt> appended = new CompletableFuture<>() {
                    @Override
                    public AppendReceipt get(long timeout, TimeUnit unit)
                            throws InterruptedException, ExecutionException, TimeoutException {
                        sendOrder.add("wait");
                        return super.get(timeout, unit);
                    }
                };
                appended.complete(new AppendReceipt(ns.backend().topic(), "0@0"));
                return appended;
            }

            @Override
            public BackendType backend() {
                return BackendType.KAFKA;
            }

            @Override
            public int maxInlinePayloadBytes() {
                return 1 << 20;
            }

            @Override
            public void close() {}
        };
    }
}
