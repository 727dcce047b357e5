package io.walgate.adapter.kafka.read;

import io.walgate.adapter.spi.DeliveryProgress;
import java.lang.System.Logger.Level;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.OffsetMetadataTooLarge;

/**
 * What one namespace's delivery commits, from its {@link OffsetLedger} and its strategy's held
 * entries.
 *
 * <ol>
 *   <li>While it reads, commits go without waiting ({@link #due}, answered by {@link #answered}): a
 *       refused commit is offered again, a lost one costs a redelivery (targets apply idempotently).
 *   <li>Before its partitions go to another owner, and at the end, it commits and waits ({@link
 *       #now}); past an entry held in memory the commit stops, with a hand-over note of what was
 *       settled beyond it for the next owner.
 *   <li>Used on the shared consumer's thread only; a failure to commit is logged, never thrown: what
 *       was not committed is read again.
 * </ol>
 */
final class Commits {
    private static final System.Logger LOG = System.getLogger(Commits.class.getName());

    private final String namespace;
    private final Consumer<byte[], byte[]> consumer;
    private final OffsetLedger ledger;
    private final OrderingStrategy strategy;
    private final DeliveryProgress progress;

    Commits(
            String namespace,
            Consumer<byte[], byte[]> consumer,
            OffsetLedger ledger,
            OrderingStrategy strategy,
            DeliveryProgress progress) {
        this.namespace = namespace;
        this.consumer = consumer;
        this.ledger = ledger;
        this.strategy = strategy;
        this.progress = progress;
    }

    /** What to commit now (without waiting), counted as offered. */
    Map<TopicPartition, OffsetAndMetadata> due() {
        return ledger.committable(strategy::firstHeld);
    }

    /** The broker's answer to a commit of {@code offsets}: {@code failure} null if it took them. */
    void answered(Map<TopicPartition, OffsetAndMetadata> offsets, Exception failure) {
        if (failure == null) {
            ledger.committed(offsets);
            progress.progressed();
        } else {
            ledger.refused(offsets.keySet());
            LOG.log(Level.DEBUG, "commit of " + namespace + " failed; offered again: " + failure);
        }
    }

    /**
     * Commits what {@code partitions} settled and waits for it (with any commit still in flight):
     * before they go to another owner, and at the end. A failure is logged; what it did not commit
     * is read again.
     */
    void now(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> due = ledger.unconfirmed(strategy::firstHeld);
        due.keySet().retainAll(partitions);
        for (TopicPartition p : partitions) {
            // Held entries stop the commit; what was settled past them is noted for the next owner.
            strategy.firstHeld(p)
                    .ifPresent(commit -> ledger.settledUpTo(p)
                            .flatMap(upTo -> strategy.handOverNote(p, commit, upTo))
                            .ifPresent(note -> due.put(p, new OffsetAndMetadata(commit, note))));
        }
        if (due.isEmpty()) {
            return;
        }
        try {
            commitSync(due);
        } catch (RuntimeException e) {
            LOG.log(
                    Level.WARNING,
                    "could not commit what " + namespace + " applied on " + partitions + "; it will be applied again: "
                            + e.getMessage());
        }
    }

    /** The commits of {@code partitions} the broker confirmed (those never committed are left out). */
    Map<TopicPartition, OffsetAndMetadata> confirmed(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> confirmed = new HashMap<>();
        partitions.forEach(p -> {
            long at = ledger.committed(p);
            if (at >= 0) {
                confirmed.put(p, new OffsetAndMetadata(at));
            }
        });
        return confirmed;
    }

    /** Commits and waits; a broker that keeps less metadata than a note takes the commits without notes. */
    private void commitSync(Map<TopicPartition, OffsetAndMetadata> due) {
        try {
            consumer.commitSync(due);
        } catch (OffsetMetadataTooLarge e) {
            Map<TopicPartition, OffsetAndMetadata> bare = new HashMap<>();
            due.forEach((p, o) -> bare.put(p, new OffsetAndMetadata(o.offset())));
            consumer.commitSync(bare);
        }
        ledger.committed(due);
    }
}
