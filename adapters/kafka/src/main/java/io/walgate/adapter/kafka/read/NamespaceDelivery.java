package io.walgate.adapter.kafka.read;

import io.walgate.adapter.spi.DeliveryProgress;
import io.walgate.adapter.spi.LogAppender;
import io.walgate.adapter.spi.Subscription;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.Ordering;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;

/**
 * Delivers one namespace's Kafka log to one region's handlers, as a member of a {@link
 * SharedConsumer} (which polls for many namespaces at once; applies run on {@link Lanes}). Each job
 * is a part of its own: where a record waits ({@link DelayLadder}), how a poll is applied and
 * settled per ordering mode ({@link UnorderedStrategy}, {@link KeyOrderedStrategy}), re-appends
 * ({@link Reappender}), dead letters ({@link DeadLetterWriter}), paused partitions ({@link Pauses}),
 * what may be committed ({@link OffsetLedger}) and how ({@link Commits}), where it reads from again
 * ({@link Rewinds}), reports ({@link BacklogReport}) and lost ranges ({@link LostRanges}).
 *
 * <ol>
 *   <li>At least once: an offset is committed only after its entry was applied, re-appended or
 *       dead-lettered (targets apply idempotently by entry id); entries held in memory are never
 *       committed, so a restart reads them again.
 *   <li>Never early: an entry is applied only once its due time has come.
 *   <li>A failure outside the target (the DLQ or Kafka itself) never ends the delivery, nor touches
 *       another namespace of the consumer: it reports it ({@link DeliveryProgress#failed}), stops
 *       reading its partitions and, a second later, goes back to its last commit and tries again.
 *   <li>Called on the shared consumer's thread only, but for {@link #stop()} and {@link
 *       #awaitStopped}. {@link #stop()} returns at once; the shared consumer then stops reading the
 *       namespace, lets the applies under way end, settles and commits them (waiting for the
 *       broker), and closes the handlers.
 * </ol>
 */
final class NamespaceDelivery implements Subscription {
    private static final System.Logger LOG = System.getLogger(NamespaceDelivery.class.getName());
    /** How long a delivery rests after a failure outside the target before it tries again. */
    static final Duration AGAIN_AFTER = Duration.ofSeconds(1);
    /** While applies run, the consumer looks back this soon: a finished one frees its partition. */
    private static final Duration BUSY_POLL = Duration.ofMillis(2);

    private final NamespaceSpec namespace;
    private final String region;
    private final Consumer<byte[], byte[]> consumer;
    private final DelayLadder ladder;
    private final Set<String> topics;
    private final Pauses pauses;
    private final OffsetLedger ledger = new OffsetLedger();
    /** Its partitions assigned, as rebalances tell: what reports walk (no copy of the whole assignment). */
    private final Set<TopicPartition> mine = new HashSet<>();

    private final OrderingStrategy strategy;
    private final BacklogReport reports;
    private final LostRanges lostRanges;
    private final Lanes lanes;
    private final StartingOffsets startingOffsets;
    private final Commits commits;
    /** Set after a failure: nothing is read (or committed) until a rewind to the commit succeeds. */
    private final Rewinds rewinds;

    private final DeliveryProgress progress;
    private final Clock clock;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    /** False until its topics are known to exist ({@link #waitForTopics}): it is not admitted before. */
    private volatile boolean topicsExist = true;

    /**
     * @param consumer the shared consumer, in the region's delivery group; this delivery touches only
     *     the partitions of its own topics
     * @param retries appends retried entries (the Kafka appender, which routes by due time)
     * @param deadLetters an idempotent {@code acks=all} producer for the DLQ, the reader's (not
     *     closed here)
     * @param deadLetterDepth asks the DLQ's depth for the backlog report without blocking ({@code
     *     KafkaDeadLetters#depth}); asked every {@link BacklogReport#EVERY}, never waited for
     * @param lanes apply due entries, partitions side by side; closed at the end
     * @param startingOffsets where a partition the group never committed starts
     */
    NamespaceDelivery(
            NamespaceSpec namespace,
            String region,
            Consumer<byte[], byte[]> consumer,
            LogAppender retries,
            Producer<byte[], byte[]> deadLetters,
            Supplier<CompletionStage<Long>> deadLetterDepth,
            Lanes lanes,
            StartingOffsets startingOffsets,
            DeliveryProgress progress,
            Clock clock) {
        this.namespace = namespace;
        this.region = region;
        this.consumer = consumer;
        this.lanes = lanes;
        this.startingOffsets = startingOffsets;
        this.progress = progress;
        this.clock = clock;
        this.ladder = new DelayLadder(namespace.backend().topic());
        this.topics = Set.copyOf(ladder.topics());
        this.pauses = new Pauses(consumer);
        var writer = new DeadLetterWriter(deadLetters, namespace, region, clock, progress);
        var reappender = new Reappender(namespace, retries, writer, progress);
        var parts = new OrderingStrategy.Parts(
                region, lanes, ladder, pauses, ledger, reappender, writer, clock, () -> running);
        this.strategy = namespace.delivery().ordering() == Ordering.KEY
                ? new KeyOrderedStrategy(parts)
                : new UnorderedStrategy(parts);
        this.reports = new BacklogReport(
                consumer,
                () -> mine,
                strategy,
                pauses,
                ledger,
                new DeadLetterProbe(deadLetterDepth, clock, BacklogReport.EVERY),
                progress,
                clock);
        this.lostRanges = new LostRanges(consumer, namespace.name(), region, progress);
        this.commits = new Commits(namespace.name(), consumer, ledger, strategy, progress);
        this.rewinds = new Rewinds(namespace.name(), consumer, strategy, startingOffsets, clock);
    }

    String name() {
        return namespace.name();
    }

    /** The topics it reads: the log and its delay tiers. */
    Set<String> topics() {
        return topics;
    }

    boolean owns(TopicPartition partition) {
        return topics.contains(partition.topic());
    }

    /** Its partitions the consumer is assigned now. */
    List<TopicPartition> assigned() {
        return consumer.assignment().stream().filter(this::owns).toList();
    }

    boolean running() {
        return running;
    }

    /**
     * It is not to be admitted to its shared consumer before {@link #topicsExist}: subscribing to
     * topics that do not exist yet (a namespace just created) costs the consumer's whole group a
     * rebalance and its log warnings, and gets their partitions only at a later metadata refresh.
     */
    void waitForTopics() {
        topicsExist = false;
    }

    /** Its topics exist (or whether they do cannot be told): it may be admitted. */
    void topicsExist() {
        topicsExist = true;
    }

    /** Whether it may be admitted now; one stopped before its topics existed is {@link #closeUnread}. */
    boolean admissible() {
        return topicsExist;
    }

    /** Its {@code partitions} were assigned (a rebalance, or its admission). */
    void gained(Collection<TopicPartition> partitions) {
        mine.addAll(partitions);
    }

    /** Its {@code partitions} were revoked or lost. */
    void dropped(Collection<TopicPartition> partitions) {
        mine.removeAll(partitions);
    }

    /**
     * Whether it needs its shared consumer at every poll until {@code horizon}: it stops or must
     * rewind, applies or has batches queued, holds entries for a retry, or has a pause that ends
     * before then. An idle one has nothing to settle, resume or retry: it is attended to when a poll
     * brings it records, and at the horizon (a refused commit offered again, a report).
     */
    boolean active(Instant horizon) {
        return !running || rewinds.pending() || strategy.busy() || strategy.held() > 0 || pauses.endsBefore(horizon);
    }

    /** How long an entry waits in {@code partition}'s topic, if it is one of its delay tiers. */
    Optional<Duration> tier(TopicPartition partition) {
        return ladder.tier(partition.topic());
    }

    /** Whether its {@code partition} is fetched now, and by its choice could stop being (quieten). */
    boolean mayQuieten(TopicPartition partition) {
        return running && !rewinds.pending() && pauses.isFetched(partition);
    }

    /**
     * Stops fetching a tier partition that holds nothing past {@code position} ({@link QuietTiers});
     * @return false if it stays fetched (it was woken and is not read that far yet)
     */
    boolean quieten(TopicPartition partition, long position) {
        return pauses.quieten(partition, position);
    }

    /** A quiet partition ends at {@code end} now (null: unknown); @return whether it stays quiet */
    boolean lookedAt(TopicPartition partition, Long end) {
        return pauses.lookedAt(partition, end, running && !rewinds.pending());
    }

    /**
     * Before a poll: resumes partitions whose time has come, settles finished applies (only the
     * latter once stopped: it reads nothing more).
     */
    void beforePoll() {
        if (!running) {
            strategy.collect(); // stopping: it only settles what ended, rewind or not
            return;
        }
        if (rewinds.pending()) {
            return;
        }
        pauses.resumeDue(clock.instant());
        strategy.collect();
    }

    /** How long the next poll may wait, as far as this delivery is concerned. */
    Duration pollTimeout(Duration max) {
        if (rewinds.pending()) {
            return rewinds.wait(max);
        }
        Duration timeout = pauses.pollTimeout(clock.instant(), max, strategy.nextRetry());
        return strategy.busy() ? min(timeout, BUSY_POLL) : timeout;
    }

    /** Hands over its share of a poll (maybe none), retries held entries, reports when due. */
    void deliver(ConsumerRecords<byte[], byte[]> records) {
        if (rewinds.pending()) {
            return;
        }
        strategy.deliver(records);
        strategy.retryHeld();
        reports.maybeReport();
    }

    /** What to commit now (without waiting), counted as offered; nothing while it must rewind. */
    Map<TopicPartition, OffsetAndMetadata> committable() {
        return rewinds.pending() ? Map.of() : commits.due();
    }

    /** The broker's answer to a commit of its {@code offsets}: {@code failure} null if it took them. */
    void commitAnswered(Map<TopicPartition, OffsetAndMetadata> offsets, Exception failure) {
        commits.answered(offsets, failure);
    }

    /** Positions of its partitions that are no longer in the log. */
    void skipLost(Map<TopicPartition, Long> positions) {
        strategy.dropNotes(positions.keySet()); // the log moved under them: no note holds any more
        lostRanges.skipLost(positions);
    }

    /**
     * Its partitions the group never committed: where they start. A failure to tell is thrown (the
     * shared consumer makes it this delivery's failure: paused, then rewound).
     */
    void startFresh(Collection<TopicPartition> partitions) {
        rewinds.startFresh(partitions);
    }

    /**
     * Its {@code partitions} go to another owner: what was applied is settled and committed before
     * the next owner reads from the commit.
     */
    void handOver(Collection<TopicPartition> partitions) {
        try {
            strategy.finish(partitions);
        } catch (RuntimeException e) {
            LOG.log(
                    Level.WARNING,
                    "could not settle all that " + namespace.name() + " applied on " + partitions
                            + "; it will be applied again: " + e.getMessage());
        } finally {
            try {
                commits.now(partitions);
            } finally {
                forget(partitions); // whatever failed: nothing of them may linger
            }
        }
    }

    /**
     * Its {@code partitions} were just assigned: a strategy that reads hand-over notes learns the
     * commits they resume from. If they cannot be read, nothing is skipped (applied again instead).
     */
    void assignedNow(Collection<TopicPartition> partitions) {
        rewinds.readNotes(partitions);
    }

    void forget(Collection<TopicPartition> partitions) {
        strategy.forget(partitions);
        pauses.forget(partitions);
        ledger.forget(partitions);
    }

    /**
     * A failure outside the target (the DLQ or Kafka itself): nothing past the last commit is lost;
     * it stops reading and goes back to the commit after {@link #AGAIN_AFTER}, rather than let the
     * namespace silently stop being delivered. Failures of one entry never come here (the handler
     * makes them that entry's verdict).
     */
    void failed(RuntimeException e) {
        LOG.log(
                Level.WARNING,
                "delivery of " + namespace.name() + " to " + region + " failed; retrying from the last committed"
                        + " offsets in " + AGAIN_AFTER.toSeconds() + " s: " + e.getMessage(),
                e);
        rewindLater(e);
    }

    /** As {@link #failed}, for a failure of the shared consumer, which its owner logs once for all. */
    void rewindLater(RuntimeException e) {
        progress.failed(e.toString());
        try {
            rewinds.later(this::assigned);
        } finally {
            reports.reportUnknown();
        }
    }

    /** Whether it must go back to its commit before it reads again. */
    boolean rewinding() {
        return rewinds.pending();
    }

    /** Whether it waits for a rewind whose time has come. */
    boolean rewindDue() {
        return rewinds.due();
    }

    /** The rewind could not read the commits: it tries again later. */
    void rewindFailed(RuntimeException e) {
        LOG.log(Level.WARNING, "could not rewind " + namespace.name() + " yet: " + e.getMessage());
        rewinds.failed();
        reports.reportUnknown();
    }

    /**
     * Goes back to the last commits {@code last} (what was read since is read again) and reads on.
     * Until this succeeds nothing is read: a poll from the old position would commit past entries
     * that were never settled.
     */
    void rewindTo(Map<TopicPartition, OffsetAndMetadata> last) {
        List<TopicPartition> assigned = assigned();
        forget(assigned);
        rewinds.to(last, assigned);
    }

    /** Must go back to its commit before it reads again (it joins a consumer that read its topics). */
    void rewindNow() {
        rewinds.now(this::assigned);
    }

    /**
     * Stops in the background: the shared consumer stops reading the namespace, waits for its
     * applies, settles and commits them, then closes the handlers. A clean stop applies nothing twice.
     */
    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
    }

    /** Whether it was stopped and no apply is running any more: it may be {@link #close}d at once. */
    boolean drained() {
        return !running && !strategy.applying();
    }

    /**
     * Closes its lanes and tells {@link #awaitStopped}; all there is to it when it was stopped before it
     * was ever admitted (nothing read, nothing to settle), and the end of {@link #close}.
     */
    void closeUnread() {
        try {
            lanes.close();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "closing the lanes of " + namespace.name() + ": " + e);
        } finally {
            stopped.countDown();
        }
    }

    /** At the end: settles and commits everything settled, closes its handlers. Never throws. */
    void close() {
        try {
            List<TopicPartition> assigned = assigned();
            consumer.pause(assigned);
            try {
                strategy.finish(assigned);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "could not settle what " + namespace.name() + " applied last: " + e);
            }
            commits.now(assigned);
            startingOffsets.handOff(namespace.name(), commits.confirmed(assigned));
            forget(assigned);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not close the delivery of " + namespace.name() + " cleanly: " + e);
        } finally {
            closeUnread();
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
