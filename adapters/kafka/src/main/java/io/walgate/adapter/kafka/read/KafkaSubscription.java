package io.walgate.adapter.kafka.read;

import io.walgate.adapter.spi.DeliveryProgress;
import io.walgate.adapter.spi.LogAppender;
import io.walgate.adapter.spi.SubscriptionThread;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.Ordering;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.NoOffsetForPartitionException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;

/**
 * Delivers one namespace's Kafka log to one region's handlers: the poll loop of a {@link
 * KafkaLogReader} subscription, on a thread of its own (applies run on {@link Lanes}). Each
 * job is a part of its own: where a record waits ({@link DelayLadder}), how a poll is applied and
 * settled per ordering mode ({@link UnorderedStrategy}, {@link KeyOrderedStrategy}), re-appends
 * ({@link Reappender}), dead letters ({@link DeadLetterWriter}), paused partitions ({@link Pauses}),
 * what may be committed ({@link OffsetLedger}), reports ({@link BacklogReport}) and lost ranges
 * ({@link LostRanges}).
 *
 * <ol>
 *   <li>At least once: an offset is committed only after its entry was applied, re-appended or
 *       dead-lettered (targets apply idempotently by entry id); entries held in memory are never
 *       committed, so a restart reads them again.
 *   <li>Never early: an entry is applied only once its due time has come.
 *   <li>A failure outside the target (the DLQ or Kafka itself) never ends the delivery: it goes
 *       back to the last commit and tries again a second later, and reports it ({@link
 *       DeliveryProgress#failed}). A rewind that fails keeps it from polling until one succeeds.
 *   <li>{@link #stop()} returns at once; the loop ends after the entries in hand are settled and
 *       committed, then closes the consumer and the handlers. Commits do not wait
 *       for the broker while delivering; on a stop and before partitions go to another owner they
 *       do.
 * </ol>
 */
final class KafkaSubscription implements SubscriptionThread.Loop {
    private static final System.Logger LOG = System.getLogger(KafkaSubscription.class.getName());
    private static final Duration MAX_POLL = Duration.ofMillis(200);
    private static final Duration BUSY_POLL = Duration.ofMillis(2);

    private final NamespaceSpec namespace;
    private final Consumer<byte[], byte[]> consumer;
    private final DelayLadder ladder;
    private final Pauses pauses;
    private final OffsetLedger ledger = new OffsetLedger();
    private final DeadLetterWriter deadLetters;
    private final OrderingStrategy strategy;
    private final BacklogReport reports;
    private final LostRanges lostRanges;
    private final Lanes lanes;
    private final DeliveryProgress progress;
    private final Clock clock;
    private volatile boolean running = true;
    /** Set when a rewind failed: nothing may be read (or committed) until one succeeds. */
    private boolean mustRewind;

    /**
     * @param consumer subscribed by this class, in the namespace's delivery group for the region
     *     ({@code KafkaClientConfigs.deliveryConsumer}); closed at the end
     * @param retries appends retried entries (the Kafka appender, which routes by due time)
     * @param deadLetters an idempotent {@code acks=all} producer for the DLQ, the reader's (not
     *     closed here)
     * @param deadLetterDepth asks the DLQ's depth for the backlog report without blocking ({@code
     *     KafkaDeadLetters#depth}); asked every {@link BacklogReport#EVERY}, never waited for
     * @param lanes apply due entries, partitions side by side; closed at the end
     */
    KafkaSubscription(
            NamespaceSpec namespace,
            String region,
            Consumer<byte[], byte[]> consumer,
            LogAppender retries,
            Producer<byte[], byte[]> deadLetters,
            Supplier<CompletionStage<Long>> deadLetterDepth,
            Lanes lanes,
            DeliveryProgress progress,
            Clock clock) {
        this.namespace = namespace;
        this.consumer = consumer;
        this.lanes = lanes;
        this.progress = progress;
        this.clock = clock;
        this.ladder = new DelayLadder(namespace.backend().topic());
        this.pauses = new Pauses(consumer);
        this.deadLetters = new DeadLetterWriter(deadLetters, namespace, region, clock);
        var reappender = new Reappender(namespace, retries, this.deadLetters, progress);
        var parts = new OrderingStrategy.Parts(
                lanes, ladder, pauses, ledger, reappender, this.deadLetters, clock, () -> running);
        this.strategy = namespace.delivery().ordering() == Ordering.KEY
                ? new KeyOrderedStrategy(parts)
                : new UnorderedStrategy(parts);
        this.reports = new BacklogReport(
                consumer,
                strategy,
                pauses,
                ledger,
                new DeadLetterProbe(deadLetterDepth, clock, BacklogReport.EVERY),
                progress,
                clock);
        this.lostRanges = new LostRanges(consumer, namespace.name(), region, progress);
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(ladder.topics(), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    // What was applied is settled and committed before the next owner reads from
                    // the commit.
                    try {
                        strategy.finish(partitions);
                    } catch (RuntimeException e) {
                        LOG.log(
                                Level.WARNING,
                                "could not settle all that " + namespace.name() + " applied on " + partitions
                                        + "; it will be applied again: " + e.getMessage());
                    } finally {
                        try {
                            commitNow(partitions);
                        } finally {
                            forget(partitions); // whatever failed: nothing of them may linger
                        }
                    }
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    forget(partitions);
                }
            });
            while (running) {
                try {
                    if (mustRewind && !rewindToCommitted()) {
                        reports.reportUnknown();
                        sleep(Duration.ofSeconds(1));
                        continue;
                    }
                    deliverOnce();
                } catch (RuntimeException e) {
                    // A failure outside the target (the DLQ or Kafka itself): nothing past the last
                    // commit is lost; go back to it and try again shortly, rather than let the
                    // thread die and the namespace silently stop being delivered. Failures of one
                    // entry never come here (the handler makes them that entry's verdict).
                    progress.failed(e.toString());
                    LOG.log(
                            Level.WARNING,
                            "delivery of " + namespace.name() + " failed; retrying from the last"
                                    + " committed offsets in 1 s: " + e.getMessage(),
                            e);
                    rewindToCommitted();
                    reports.reportUnknown();
                    sleep(Duration.ofSeconds(1));
                }
            }
            finishAndCommit();
        } finally {
            closeQuietly(consumer::close);
            closeQuietly(lanes::close);
        }
    }

    /**
     * Stops after the entries in hand are applied and committed (a poll waits at most 200 ms), so a
     * clean stop applies nothing twice. No {@code wakeup()}: it could interrupt the commit of entries
     * already applied, and the next worker would apply them again.
     */
    @Override
    public void stop() {
        running = false;
    }

    private void deliverOnce() {
        pauses.resumeDue(clock.instant());
        strategy.collect();
        ConsumerRecords<byte[], byte[]> records;
        try {
            Duration timeout = pauses.pollTimeout(clock.instant(), MAX_POLL, strategy.nextRetry());
            // While applies run, look back soon: a finished one settles and frees its partition.
            records = consumer.poll(strategy.busy() && timeout.compareTo(BUSY_POLL) > 0 ? BUSY_POLL : timeout);
        } catch (NoOffsetForPartitionException e) {
            // A group's first start (auto.offset.reset=none): everything in the log is due to us.
            consumer.seekToBeginning(e.partitions());
            return;
        } catch (OffsetOutOfRangeException e) {
            lostRanges.skipLost(e.offsetOutOfRangePartitions());
            return;
        }
        strategy.deliver(records);
        strategy.retryHeld();
        commit();
        reports.maybeReport();
    }

    /**
     * Commits what is settled without waiting for the broker: the next poll (and its fetch) goes
     * on meanwhile. Offered offsets are not offered again; a commit that fails is, with whatever
     * was settled since, by the next loop. A commit lost with a crash costs a redelivery, which the
     * targets apply idempotently.
     */
    private void commit() {
        Map<TopicPartition, OffsetAndMetadata> due = ledger.committable(strategy::firstHeld);
        if (due.isEmpty()) {
            return;
        }
        consumer.commitAsync(due, (offsets, e) -> {
            if (e == null) {
                ledger.committed(offsets);
                progress.progressed();
            } else {
                ledger.refused(offsets.keySet());
                LOG.log(Level.DEBUG, "commit of " + namespace.name() + " failed; offered again: " + e);
            }
        });
    }

    /** At the end: settles what is being applied, and commits everything settled. */
    private void finishAndCommit() {
        try {
            strategy.finish(consumer.assignment());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not settle what " + namespace.name() + " applied last: " + e.getMessage());
        }
        commitNow(consumer.assignment());
    }

    /**
     * Commits what {@code partitions} settled and waits for it (with any commit still in flight):
     * before they go to another owner, and at the end. A failure is logged; what it did not commit
     * is read again.
     */
    private void commitNow(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> due = ledger.unconfirmed(strategy::firstHeld);
        due.keySet().retainAll(partitions);
        try {
            consumer.commitSync(due);
            ledger.committed(due);
        } catch (RuntimeException e) {
            LOG.log(
                    Level.WARNING,
                    "could not commit what " + namespace.name() + " applied on " + partitions
                            + "; it will be applied again: " + e.getMessage());
        }
    }

    private void forget(Collection<TopicPartition> partitions) {
        strategy.forget(partitions);
        pauses.forget(partitions);
        ledger.forget(partitions);
    }

    /**
     * Goes back to the last committed offsets (what was read since is read again). Until it
     * succeeds, {@link #mustRewind} keeps the loop from polling: a poll from the old position would
     * commit past entries that were never settled.
     *
     * @return whether it succeeded
     */
    private boolean rewindToCommitted() {
        mustRewind = true;
        try {
            var assigned = consumer.assignment();
            Map<TopicPartition, OffsetAndMetadata> last = consumer.committed(assigned, Duration.ofSeconds(10));
            forget(List.copyOf(assigned));
            for (TopicPartition p : assigned) {
                OffsetAndMetadata c = last.get(p);
                if (c != null) {
                    consumer.seek(p, c.offset());
                } else {
                    consumer.seekToBeginning(List.of(p));
                }
            }
            consumer.resume(assigned);
            mustRewind = false;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not rewind " + namespace.name() + " yet: " + e.getMessage());
        }
        return !mustRewind;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Runnable close) {
        try {
            close.run();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "closing: " + e.getMessage());
        }
    }
}
