package io.walgate.adapter.kafka.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.walgate.adapter.kafka.KafkaDelayTiers;
import io.walgate.adapter.spi.DeliveryProgress;
import io.walgate.adapter.spi.EntryHandler;
import io.walgate.adapter.spi.Subscription;
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
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.consumer.RetriableCommitFailedException;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The poll loop on a {@link MockConsumer}. A delivery whose position retention has deleted says so —
 * log, metric — and goes on from the oldest entry still there; it never skips quietly (as {@code
 * auto.offset.reset=earliest} did), and never skips what is still in the log. Commits do not wait
 * for the broker, yet what was applied is committed: again after a refused commit, and for certain
 * before a stop or a rebalance hands the partition on.
 */
class SharedConsumerTest {
    private final NamespaceSpec ns = TestNamespaces.newNamespace(BackendType.KAFKA);
    private final TopicPartition log = new TopicPartition(ns.backend().topic(), 0);
    /** Async commits the broker refuses (the first {@code refuse}) or never answers ({@code drop}). */
    private volatile int refuse;

    private volatile boolean drop;
    /** Async commits wait here for the test to answer them (on the consumer's thread, in a poll task). */
    private volatile boolean hold;

    private final List<Runnable> held = new CopyOnWriteArrayList<>();
    /** Async commits of this topic are refused, as for a namespace whose ACLs forbid it. */
    private volatile String refuseTopic;

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("none") {
        @Override
        public synchronized void commitAsync(
                Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
            if (drop) {
                return;
            }
            if (hold) {
                held.add(() -> {
                    offsets.forEach((p, o) -> commits.merge(p, o.offset(), Math::max));
                    callback.onComplete(offsets, null);
                });
                return;
            }
            if (offsets.keySet().stream().anyMatch(p -> p.topic().equals(refuseTopic))) {
                callback.onComplete(offsets, new TopicAuthorizationException(Set.of(refuseTopic)));
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

    private final EntryHandler handler = recording(applied, () -> {});

    /** A handler that first runs {@code first} (blocks, say), then records the entry's key in {@code into}. */
    private static EntryHandler recording(List<String> into, Runnable first) {
        return new EntryHandler() {
            @Override
            public Verdict handle(Envelope entry) {
                first.run();
                into.add(entry.target().key());
                return new Verdict.Done();
            }

            @Override
            public void close() {}
        };
    }

    private static void block(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final DeliveryProgress progress = new DeliveryProgress() {
        @Override
        public void lost(String where, long count) {
            lost.add(where + ":" + count);
        }
    };

    private ConsumerRecord<byte[], byte[]> record(long offset, String key) {
        return record(log, offset, key);
    }

    private static ConsumerRecord<byte[], byte[]> record(TopicPartition partition, long offset, String key) {
        Instant now = Instant.now();
        WriteRequest request = new WriteRequest(
                partition.topic(),
                Lifecycle.immediate(),
                key.getBytes(StandardCharsets.UTF_8),
                new TargetOverride(key, TargetOp.PUT, Map.of()),
                key,
                null,
                Map.of(),
                "text/plain");
        Envelope e = Envelope.accept(request, new EntryId.Generator().next(), now, now, null);
        return new ConsumerRecord<>(
                partition.topic(),
                partition.partition(),
                offset,
                key.getBytes(StandardCharsets.UTF_8),
                EnvelopeCodec.encode(e));
    }

    private Subscription start() {
        return start(new Lanes(() -> handler, 1, Runnable::run, Runnable::run));
    }

    private Subscription start(Lanes lanes) {
        return join(ns, lanes, progress);
    }

    private SharedConsumer shared = new SharedConsumer("delivery-under-test", consumer, Clock.systemUTC(), () -> {});

    private NamespaceDelivery join(NamespaceSpec namespace, Lanes lanes, DeliveryProgress reports) {
        return join(
                namespace,
                lanes,
                reports,
                new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()));
    }

    private NamespaceDelivery join(
            NamespaceSpec namespace, Lanes lanes, DeliveryProgress reports, MockProducer<byte[], byte[]> dlq) {
        return join(namespace, lanes, reports, dlq, StartingOffsets.BEGINNING);
    }

    private NamespaceDelivery join(
            NamespaceSpec namespace,
            Lanes lanes,
            DeliveryProgress reports,
            MockProducer<byte[], byte[]> dlq,
            StartingOffsets starting) {
        NamespaceDelivery member = member(namespace, lanes, reports, dlq, starting);
        assertThat(shared.join(member)).isTrue();
        return member;
    }

    private NamespaceDelivery member(
            NamespaceSpec namespace,
            Lanes lanes,
            DeliveryProgress reports,
            MockProducer<byte[], byte[]> dlq,
            StartingOffsets starting) {
        return new NamespaceDelivery(
                namespace,
                "local",
                consumer,
                null, // no retries in these tests
                dlq,
                () -> CompletableFuture.completedFuture(0L),
                lanes,
                starting,
                reports,
                Clock.systemUTC());
    }

    /** A member of {@code ns} that waits for its topics to exist, joined. */
    private NamespaceDelivery joinBeforeTopicsExist() {
        NamespaceDelivery mine = member(
                ns,
                inline(handler),
                progress,
                new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()),
                StartingOffsets.BEGINNING);
        mine.waitForTopics();
        assertThat(shared.join(mine)).isTrue();
        return mine;
    }

    @Test
    void aNamespaceIsSubscribedOnlyOnceItsTopicsExistAndHoldsUpNoOtherMeanwhile() throws Exception {
        Subscription theirs = join(other, inline(otherHandler), new DeliveryProgress() {});
        NamespaceDelivery mine = joinBeforeTopicsExist();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> consumer.subscription().contains(otherLog.topic()));
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(otherLog));
            consumer.updateBeginningOffsets(Map.of(otherLog, 0L));
            consumer.addRecord(record(otherLog, 0, "theirs"));
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> otherApplied.contains("theirs"));
        assertThat(consumer.subscription())
                .as("a topic that does not exist yet is not subscribed to")
                .doesNotContain(log.topic());

        mine.topicsExist();

        assignBoth();
        consumer.schedulePollTask(() -> consumer.addRecord(record(log, 0, "mine")));
        await().atMost(Duration.ofSeconds(10)).until(() -> applied.contains("mine"));
        mine.stop();
        theirs.stop();
        assertThat(mine.awaitStopped(Duration.ofSeconds(10))).isTrue();
        assertThat(theirs.awaitStopped(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void aNamespaceStoppedBeforeItsTopicsExistedStopsWithoutEverBeingSubscribed() throws Exception {
        NamespaceDelivery mine = joinBeforeTopicsExist();

        mine.stop();

        assertThat(mine.awaitStopped(Duration.ofSeconds(10))).isTrue();
        assertThat(shared.awaitEnded(Duration.ofSeconds(10)))
                .as("its consumer ends, none left")
                .isTrue();
        assertThat(consumer.subscription()).isEmpty();
        assertThat(applied).isEmpty();
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
    void atMostTwoCommitsAwaitTheBrokerAndWhatWasSettledMeanwhileGoesWithALaterOne() throws Exception {
        hold = true;
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(log));
            consumer.updateBeginningOffsets(Map.of(log, 0L));
        });
        for (int i = 0; i < 5; i++) {
            int offset = i;
            consumer.schedulePollTask(() -> consumer.addRecord(record(offset, "entry-" + offset)));
        }
        Subscription delivery = start();
        await().atMost(Duration.ofSeconds(10)).until(() -> applied.size() == 5);
        CountDownLatch polledSince = new CountDownLatch(1);
        consumer.schedulePollTask(polledSince::countDown);
        assertThat(polledSince.await(10, TimeUnit.SECONDS)).isTrue();

        // Each of the five polls settled an entry; a commit per poll would have queued five
        // requests ahead of the group's own (a JoinGroup waited seconds behind such a queue).
        assertThat(held).as("commits sent and not answered").hasSize(AsyncCommits.IN_FLIGHT);
        assertThat(committed()).isNull();

        consumer.schedulePollTask(() -> {
            hold = false;
            held.forEach(Runnable::run);
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> Long.valueOf(5).equals(committed()));
        delivery.stop();
        assertThat(delivery.awaitStopped(Duration.ofSeconds(10))).isTrue();
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
        EntryHandler slow = recording(applied, () -> {
            inside.countDown();
            block(release);
        });
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

    // Namespaces sharing one consumer: each its own entries, and walled off from the others.

    private final NamespaceSpec other = TestNamespaces.newNamespace(BackendType.KAFKA);
    private final TopicPartition otherLog = new TopicPartition(other.backend().topic(), 0);
    private final List<String> otherApplied = new CopyOnWriteArrayList<>();

    private final EntryHandler otherHandler = recording(otherApplied, () -> {});

    private Lanes inline(EntryHandler h) {
        return new Lanes(() -> h, 1, Runnable::run, Runnable::run);
    }

    /**
     * Once both namespaces have joined (the mock forgets records once polled, so none may come
     * before their member does), assigns the partitions of both.
     */
    private void assignBoth() {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> consumer.subscription().containsAll(List.of(log.topic(), otherLog.topic())));
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(log, otherLog));
            consumer.updateBeginningOffsets(Map.of(log, 0L, otherLog, 0L));
        });
    }

    @Test
    void namespacesSharingAConsumerEachGetTheirOwnEntriesAndCommits() throws Exception {
        Subscription mine = join(ns, inline(handler), progress);
        Subscription theirs = join(other, inline(otherHandler), new DeliveryProgress() {});
        assignBoth();
        consumer.schedulePollTask(() -> {
            consumer.addRecord(record(log, 0, "mine"));
            consumer.addRecord(record(otherLog, 0, "theirs-1"));
            consumer.addRecord(record(otherLog, 1, "theirs-2"));
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> applied.size() + otherApplied.size() == 3);
        assertThat(applied).containsExactly("mine");
        assertThat(otherApplied).containsExactly("theirs-1", "theirs-2");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Long.valueOf(1).equals(commits.get(log))
                        && Long.valueOf(2).equals(commits.get(otherLog)));
        mine.stop();
        theirs.stop();
        assertThat(mine.awaitStopped(Duration.ofSeconds(10))).isTrue();
        assertThat(theirs.awaitStopped(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void oneNamespaceStopsWhileTheOthersGoOnBeingDelivered() throws Exception {
        drop = true; // only the stop's own commit counts
        Subscription mine = join(ns, inline(handler), progress);
        Subscription theirs = join(other, inline(otherHandler), new DeliveryProgress() {});
        assignBoth();
        consumer.schedulePollTask(() -> {
            consumer.addRecord(record(log, 0, "before the stop"));
            consumer.addRecord(record(otherLog, 0, "theirs-1"));
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> applied.size() == 1 && otherApplied.size() == 1);

        mine.stop();

        assertThat(mine.awaitStopped(Duration.ofSeconds(10))).isTrue();
        assertThat(committed()).as("what it applied is committed as it stops").isEqualTo(1L);
        consumer.schedulePollTask(() -> consumer.addRecord(record(otherLog, 1, "theirs-2")));
        await().atMost(Duration.ofSeconds(10)).until(() -> otherApplied.contains("theirs-2"));
        theirs.stop();
        assertThat(theirs.awaitStopped(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void aNamespaceWhoseDeadLettersFailIsRewoundAloneAndTheOthersFlowOn() throws Exception {
        MockProducer<byte[], byte[]> brokenDlq =
                new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        brokenDlq.sendException = new TimeoutException("the DLQ is down");
        List<String> failures = new CopyOnWriteArrayList<>();
        Subscription mine = join(
                ns,
                inline(handler),
                new DeliveryProgress() {
                    @Override
                    public void failed(String why) {
                        failures.add(why);
                    }
                },
                brokenDlq);
        Subscription theirs = join(other, inline(otherHandler), new DeliveryProgress() {});
        assignBoth();
        consumer.schedulePollTask(() -> {
            // Not an envelope: it must go to the DLQ, which refuses it.
            consumer.addRecord(new ConsumerRecord<>(log.topic(), 0, 0, new byte[0], new byte[] {1, 2, 3}));
            consumer.addRecord(record(otherLog, 0, "theirs-1"));
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> !failures.isEmpty() && otherApplied.contains("theirs-1"));
        consumer.schedulePollTask(() -> consumer.addRecord(record(otherLog, 1, "theirs-2")));
        await().atMost(Duration.ofSeconds(10)).until(() -> otherApplied.contains("theirs-2"));
        assertThat(commits.get(log))
                .as("nothing of the failing namespace is committed")
                .isNull();
        mine.stop();
        theirs.stop();
        assertThat(mine.awaitStopped(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void aNamespaceWhoseApplyHangsHoldsUpNoOther() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        EntryHandler hanging = recording(applied, () -> block(release));
        ExecutorService applyThread = Executors.newSingleThreadExecutor();
        Subscription mine = join(ns, new Lanes(() -> hanging, 1, applyThread, applyThread), progress);
        Subscription theirs = join(other, inline(otherHandler), new DeliveryProgress() {});
        assignBoth();
        consumer.schedulePollTask(() -> consumer.addRecord(record(log, 0, "hangs")));
        try {
            consumer.schedulePollTask(() -> {
                consumer.addRecord(record(otherLog, 0, "theirs-1"));
                consumer.addRecord(record(otherLog, 1, "theirs-2"));
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> otherApplied.size() == 2);
            assertThat(applied).as("still hanging").isEmpty();
            release.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> applied.contains("hangs"));
        } finally {
            release.countDown();
            mine.stop();
            theirs.stop();
            mine.awaitStopped(Duration.ofSeconds(10));
            applyThread.shutdownNow();
        }
    }

    @Test
    void aCommitRefusedForOneNamespaceHoldsBackNoOther() throws Exception {
        refuseTopic = log.topic();
        Subscription mine = join(ns, inline(handler), progress);
        Subscription theirs = join(other, inline(otherHandler), new DeliveryProgress() {});
        assignBoth();
        consumer.schedulePollTask(() -> {
            consumer.addRecord(record(log, 0, "mine"));
            consumer.addRecord(record(otherLog, 0, "theirs"));
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> Long.valueOf(1).equals(commits.get(otherLog)));
        assertThat(applied).containsExactly("mine");
        assertThat(commits).doesNotContainKey(log);
        refuseTopic = null;
        await().atMost(Duration.ofSeconds(10)).until(() -> Long.valueOf(1).equals(commits.get(log)));
        mine.stop();
        theirs.stop();
        assertThat(mine.awaitStopped(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void aNamespaceWhoseStartCannotBeToldYetWaitsAloneAndStartsOnceItCan() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        StartingOffsets formerGroupAway = (c, namespace, partitions) -> {
            if (asked.incrementAndGet() == 1) {
                throw new TimeoutException("the former group's coordinator does not answer");
            }
            c.seekToBeginning(partitions);
        };
        Subscription mine = join(
                ns,
                inline(handler),
                progress,
                new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()),
                formerGroupAway);
        Subscription theirs = join(other, inline(otherHandler), new DeliveryProgress() {});
        assignBoth();
        consumer.schedulePollTask(() -> {
            consumer.addRecord(record(log, 0, "mine"));
            consumer.addRecord(record(otherLog, 0, "theirs"));
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> otherApplied.contains("theirs"));
        await().atMost(Duration.ofSeconds(10)).until(() -> applied.contains("mine"));
        assertThat(asked).as("asked again a second later, not in a loop").hasValue(2);
        mine.stop();
        theirs.stop();
        assertThat(mine.awaitStopped(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void anEmptyDelayTierIsNotFetchedUntilItsEndOffsetMovesThenItsEntryIsDelivered() {
        Map<TopicPartition, Long> ends = new ConcurrentHashMap<>();
        AtomicInteger looks = new AtomicInteger();
        lookingUpEndsWith(partitions -> {
            looks.incrementAndGet();
            Map<TopicPartition, Long> known = new HashMap<>();
            partitions.forEach(p -> Optional.ofNullable(ends.get(p)).ifPresent(end -> known.put(p, end)));
            return CompletableFuture.completedFuture(known);
        });
        TopicPartition tier = assignLogAndEmptyTier(Duration.ofSeconds(5));
        ends.put(tier, 0L);
        Subscription delivery = start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> consumer.paused().contains(tier));
            assertThat(consumer.paused()).as("the log itself is always fetched").doesNotContain(log);
            int before = looks.get();
            await().atMost(Duration.ofSeconds(10)).until(() -> looks.get() > before + 1);
            assertThat(consumer.paused())
                    .as("looked at, still empty: still not fetched")
                    .contains(tier);

            // An entry (due now: it waited its time) is appended to the tier.
            consumer.schedulePollTask(() -> {
                consumer.addRecord(record(tier, 0, "from the tier"));
                consumer.updateEndOffsets(Map.of(tier, 1L));
            });
            ends.put(tier, 1L);

            await().atMost(Duration.ofSeconds(10)).until(() -> applied.contains("from the tier"));
        } finally {
            delivery.stop();
        }
    }

    @Test
    void aQuietTierWhoseEndCannotBeToldIsFetchedAgain() {
        AtomicInteger looks = new AtomicInteger();
        lookingUpEndsWith(partitions -> {
            looks.incrementAndGet(); // the tier was quiet
            return CompletableFuture.failedFuture(new TimeoutException("the broker does not answer"));
        });
        TopicPartition tier = assignLogAndEmptyTier(Duration.ofSeconds(1));
        Subscription delivery = start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> looks.get() > 0);
            consumer.schedulePollTask(() -> consumer.addRecord(record(tier, 0, "found by fetching")));

            await().atMost(Duration.ofSeconds(10)).until(() -> applied.contains("found by fetching"));
        } finally {
            delivery.stop();
        }
    }

    /** The shared consumer under test quietens empty delay tiers, asking their ends of {@code endOffsets}. */
    @Test
    void quietTiersAreStillLookedAtAfterTheWallClockGoesBackAnHour() {
        SettableClock clock = new SettableClock();
        Map<TopicPartition, Long> ends = new ConcurrentHashMap<>();
        AtomicInteger looks = new AtomicInteger();
        shared = new SharedConsumer(
                "delivery-under-test",
                consumer,
                clock,
                partitions -> {
                    looks.incrementAndGet();
                    Map<TopicPartition, Long> known = new HashMap<>();
                    partitions.forEach(p -> Optional.ofNullable(ends.get(p)).ifPresent(end -> known.put(p, end)));
                    return CompletableFuture.completedFuture(known);
                },
                () -> {});
        TopicPartition tier = assignLogAndEmptyTier(Duration.ofSeconds(5));
        ends.put(tier, 0L);
        Subscription delivery = start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> consumer.paused().contains(tier));
            int before = looks.get();
            await().atMost(Duration.ofSeconds(10)).until(() -> looks.get() > before);

            clock.setBack(Duration.ofHours(1)); // NTP, a VM restored: what was due "in 100 ms" is an hour away

            consumer.schedulePollTask(() -> {
                consumer.addRecord(record(tier, 0, "after the clock went back"));
                consumer.updateEndOffsets(Map.of(tier, 1L));
            });
            ends.put(tier, 1L);
            await().atMost(Duration.ofSeconds(10)).until(() -> applied.contains("after the clock went back"));
        } finally {
            delivery.stop();
        }
    }

    /** The system's clock, which a test may set back while it runs on. */
    private static final class SettableClock extends Clock {
        private volatile Duration back = Duration.ZERO;

        void setBack(Duration by) {
            back = back.plus(by);
        }

        @Override
        public Instant instant() {
            return Instant.now().minus(back);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private void lookingUpEndsWith(QuietTiers.EndOffsets endOffsets) {
        shared = new SharedConsumer("delivery-under-test", consumer, Clock.systemUTC(), endOffsets, () -> {});
    }

    /** Assigns the log and its (empty) tier of {@code length}, partition 0 of each; @return the tier's */
    private TopicPartition assignLogAndEmptyTier(Duration length) {
        TopicPartition tier = new TopicPartition(KafkaDelayTiers.topicName(log.topic(), length), 0);
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(log, tier));
            consumer.updateBeginningOffsets(Map.of(log, 0L, tier, 0L));
            consumer.updateEndOffsets(Map.of(log, 0L, tier, 0L));
        });
        return tier;
    }
}
