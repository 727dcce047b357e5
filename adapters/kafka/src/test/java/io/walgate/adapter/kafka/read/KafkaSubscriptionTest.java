package io.walgate.adapter.kafka.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.walgate.adapter.spi.DeliveryProgress;
import io.walgate.adapter.spi.EntryHandler;
import io.walgate.adapter.spi.Subscription;
import io.walgate.adapter.spi.SubscriptionThread;
import io.walgate.adapter.spi.TestNamespaces;
import io.walgate.adapter.spi.Verdict;
import io.walgate.contract.EntryId;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.EnvelopeCodec;
import io.walgate.contract.entry.Lifecycle;
import io.walgate.contract.entry.TargetOp;
import io.walgate.contract.entry.TargetOverride;
import io.walgate.contract.entry.WriteRequest;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.NamespaceSpec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.consumer.RetriableCommitFailedException;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The poll loop on a {@link MockConsumer}. A delivery whose position retention has deleted says so —
 * log, metric — and goes on from the oldest entry still there; it never skips quietly (as {@code
 * auto.offset.reset=earliest} did), and never skips what is still in the log. Commits do not wait
 * for the broker, yet what was applied is committed: again after a refused commit, and for certain
 * before a stop or a rebalance hands the partition on.
 */
class KafkaSubscriptionTest {
    private final NamespaceSpec ns = TestNamespaces.newNamespace(BackendType.KAFKA);
    private final TopicPartition log = new TopicPartition(ns.backend().topic(), 0);
    /** Async commits the broker refuses (the first {@code refuse}) or never answers ({@code drop}). */
    private volatile int refuse;

    private volatile boolean drop;
    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("none") {
        @Override
        public synchronized void commitAsync(
                Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
            if (drop) {
                return;
            }
            if (refuse > 0) {
                refuse--;
                callback.onComplete(offsets, new RetriableCommitFailedException("the coordinator moved"));
                return;
            }
            offsets.forEach((p, o) -> commits.merge(p, o.offset(), Math::max));
            super.commitAsync(offsets, callback);
        }

        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
            offsets.forEach((p, o) -> commits.merge(p, o.offset(), Math::max));
            super.commitSync(offsets);
        }
    };
    /** What the broker took, per partition (the mock forgets it once closed). */
    private final Map<TopicPartition, Long> commits = new ConcurrentHashMap<>();

    private final List<String> applied = new CopyOnWriteArrayList<>();
    private final List<String> lost = new CopyOnWriteArrayList<>();

    private final EntryHandler handler = new EntryHandler() {
        @Override
        public Verdict handle(Envelope entry) {
            applied.add(entry.target().key());
            return new Verdict.Done();
        }

        @Override
        public void close() {}
    };

    private final DeliveryProgress progress = new DeliveryProgress() {
        @Override
        public void lost(String where, long count) {
            lost.add(where + ":" + count);
        }
    };

    private ConsumerRecord<byte[], byte[]> record(long offset, String key) {
        Instant now = Instant.now();
        WriteRequest request = new WriteRequest(
                ns.name(),
                Lifecycle.immediate(),
                key.getBytes(StandardCharsets.UTF_8),
                new TargetOverride(key, TargetOp.PUT, Map.of()),
                key,
                null,
                Map.of(),
                "text/plain");
        Envelope e = Envelope.accept(request, new EntryId.Generator().next(), now, now, null);
        return new ConsumerRecord<>(
                log.topic(), 0, offset, key.getBytes(StandardCharsets.UTF_8), EnvelopeCodec.encode(e));
    }

    private Subscription start() {
        return start(new Lanes(() -> handler, 1, Runnable::run, Runnable::run));
    }

    private Subscription start(Lanes lanes) {
        KafkaSubscription loop = new KafkaSubscription(
                ns,
                "local",
                consumer,
                null, // no retries in these tests
                new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()),
                () -> CompletableFuture.completedFuture(0L),
                lanes,
                progress,
                Clock.systemUTC());
        return SubscriptionThread.start("delivery-under-test", loop);
    }

    @Test
    void aNewGroupStartsAtTheBeginningAndALostRangeIsReportedThenSkipped() {
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(log));
            consumer.updateBeginningOffsets(Map.of(log, 0L));
            consumer.updateEndOffsets(Map.of(log, 1L));
        });
        consumer.schedulePollTask(() -> consumer.addRecord(record(0, "first")));
        Subscription delivery = start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> applied.contains("first"));

            // Retention deleted offsets 1..9 before they were read.
            consumer.schedulePollTask(() -> {
                consumer.updateBeginningOffsets(Map.of(log, 10L));
                consumer.updateEndOffsets(Map.of(log, 11L));
                consumer.setPollException(new OffsetOutOfRangeException("deleted", Map.of(log, 1L)));
            });
            consumer.schedulePollTask(() -> consumer.addRecord(record(10, "after the gap")));

            await().atMost(Duration.ofSeconds(10)).until(() -> applied.contains("after the gap"));
            assertThat(lost).containsExactly(log + ":9");
        } finally {
            delivery.stop();
        }
    }

    @Test
    void aPositionOutOfRangeForAMomentButInRangeNowSkipsNothing() {
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(log));
            consumer.updateBeginningOffsets(Map.of(log, 0L));
            consumer.updateEndOffsets(Map.of(log, 3L));
            consumer.setPollException(new OffsetOutOfRangeException("leader moved", Map.of(log, 1L)));
        });
        consumer.schedulePollTask(() -> {
            consumer.addRecord(record(1, "one"));
            consumer.addRecord(record(2, "two"));
        });
        Subscription delivery = start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> applied.containsAll(List.of("one", "two")));
            assertThat(lost).isEmpty();
        } finally {
            delivery.stop();
        }
    }

    @Test
    void aCommitTheBrokerRefusesIsOfferedAgain() {
        refuse = 1;
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(log));
            consumer.updateBeginningOffsets(Map.of(log, 0L));
            consumer.addRecord(record(0, "one"));
        });
        Subscription delivery = start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> Long.valueOf(1).equals(committed()));
            assertThat(refuse).as("the first commit was refused").isZero();
        } finally {
            delivery.stop();
        }
    }

    @Test
    void aStopCommitsWhatWasAppliedEvenWhenNoAsyncCommitWasAnswered() throws Exception {
        drop = true;
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(log));
            consumer.updateBeginningOffsets(Map.of(log, 0L));
            consumer.addRecord(record(0, "one"));
            consumer.addRecord(record(1, "two"));
        });
        Subscription delivery = start();
        await().atMost(Duration.ofSeconds(10)).until(() -> applied.size() == 2);
        assertThat(committed()).as("nothing answered yet").isNull();

        delivery.stop();

        assertThat(delivery.awaitStopped(Duration.ofSeconds(10))).isTrue();
        assertThat(committed()).isEqualTo(2L);
    }

    @Test
    void aPartitionHandedToAnotherOwnerHasWhatWasAppliedCommittedFirst() {
        drop = true;
        TopicPartition other = new TopicPartition(ns.backend().topic(), 1);
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(log, other));
            consumer.updateBeginningOffsets(Map.of(log, 0L, other, 0L));
            consumer.addRecord(record(0, "one"));
        });
        Subscription delivery = start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> applied.contains("one"));
            consumer.schedulePollTask(() -> consumer.rebalance(List.of(other)));

            await().atMost(Duration.ofSeconds(10)).until(() -> committed() != null);
            assertThat(committed()).isEqualTo(1L);
        } finally {
            delivery.stop();
        }
    }

    /** The offset committed for {@code log}, or null. */
    private Long committed() {
        return commits.get(log);
    }

    @Test
    void aStopWaitsForTheApplyUnderWayThenSettlesAndCommitsIt() throws Exception {
        drop = true;
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        EntryHandler slow = new EntryHandler() {
            @Override
            public Verdict handle(Envelope entry) {
                inside.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                applied.add(entry.target().key());
                return new Verdict.Done();
            }

            @Override
            public void close() {}
        };
        ExecutorService applyThread = Executors.newSingleThreadExecutor();
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(log));
            consumer.updateBeginningOffsets(Map.of(log, 0L));
            consumer.addRecord(record(0, "slow"));
        });
        Subscription delivery = start(new Lanes(() -> slow, 2, applyThread, applyThread));
        try {
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

            delivery.stop();
            release.countDown();

            assertThat(delivery.awaitStopped(Duration.ofSeconds(10))).isTrue();
            assertThat(applied).containsExactly("slow");
            assertThat(committed())
                    .as("settled and committed before the consumer closed")
                    .isEqualTo(1L);
        } finally {
            applyThread.shutdownNow();
        }
    }
}
