package io.walgate.adapter.kafka.read;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Where one namespace's delivery reads from when its position can no longer be trusted: after a
 * failure outside the target, when it joins a consumer that read its topics before, for partitions
 * the group never committed, and for partitions handed over with a note of what was settled past
 * the commit.
 *
 * <ol>
 *   <li>From {@link #later} or {@link #now} until {@link #to} succeeds, its partitions are paused:
 *       a poll from the old position would commit past entries that were never settled.
 *   <li>A rewind that could not read the commits is tried again {@link NamespaceDelivery#AGAIN_AFTER}
 *       later ({@link #failed}).
 *   <li>Used on the shared consumer's thread only.
 * </ol>
 */
final class Rewinds {
    private static final System.Logger LOG = System.getLogger(Rewinds.class.getName());
    private final String namespace;
    private final Consumer<byte[], byte[]> consumer;
    private final OrderingStrategy strategy;
    private final StartingOffsets startingOffsets;
    private final Clock clock;

    private boolean pending;
    private Instant at = Instant.MIN;

    Rewinds(
            String namespace,
            Consumer<byte[], byte[]> consumer,
            OrderingStrategy strategy,
            StartingOffsets startingOffsets,
            Clock clock) {
        this.namespace = namespace;
        this.consumer = consumer;
        this.strategy = strategy;
        this.startingOffsets = startingOffsets;
        this.clock = clock;
    }

    /** Whether it must go back to its commits before it reads again. */
    boolean pending() {
        return pending;
    }

    /** Whether a rewind waits and its time has come. */
    boolean due() {
        return pending && !clock.instant().isBefore(at);
    }

    /** How long a poll may wait until the pending rewind is due (at most {@code max}). */
    Duration wait(Duration max) {
        Instant now = clock.instant();
        if (!at.isAfter(now)) {
            return Duration.ZERO;
        }
        Duration left = Duration.between(now, at);
        return left.compareTo(max) < 0 ? left : max;
    }

    /**
     * Goes back to the commits {@link NamespaceDelivery#AGAIN_AFTER} later; the partitions {@code
     * assigned} tells are paused (a failure to tell them is thrown, the rewind still pending).
     */
    void later(Supplier<List<TopicPartition>> assigned) {
        pending = true;
        at = clock.instant().plus(NamespaceDelivery.AGAIN_AFTER);
        consumer.pause(assigned.get());
    }

    /** As {@link #later}, at the next poll. */
    void now(Supplier<List<TopicPartition>> assigned) {
        pending = true;
        at = Instant.MIN;
        consumer.pause(assigned.get());
    }

    /** The commits could not be read: tried again later. */
    void failed() {
        at = clock.instant().plus(NamespaceDelivery.AGAIN_AFTER);
    }

    /**
     * Puts {@code assigned} (forgotten by the delivery) back at their last commits {@code last}, or
     * where a partition the group never committed starts, and reads on.
     */
    void to(Map<TopicPartition, OffsetAndMetadata> last, List<TopicPartition> assigned) {
        List<TopicPartition> fresh =
                assigned.stream().filter(p -> last.get(p) == null).toList();
        assigned.stream().filter(p -> last.get(p) != null).forEach(p -> {
            consumer.seek(p, last.get(p).offset());
            strategy.resumeFrom(p, last.get(p));
        });
        if (!fresh.isEmpty()) {
            startFresh(fresh);
        }
        consumer.resume(assigned);
        pending = false;
    }

    /**
     * {@code partitions} were just assigned: a strategy that reads hand-over notes learns the
     * commits they resume from. If they cannot be read, nothing is skipped (applied again instead).
     */
    void readNotes(Collection<TopicPartition> partitions) {
        if (!strategy.readsNotes() || partitions.isEmpty()) {
            return;
        }
        try {
            consumer.committed(Set.copyOf(partitions), Duration.ofSeconds(10)).forEach((p, c) -> {
                if (c != null) {
                    strategy.resumeFrom(p, c);
                }
            });
        } catch (RuntimeException e) {
            LOG.log(Level.INFO, "no hand-over notes for " + partitions + ": " + e.getMessage());
        }
    }

    /**
     * Places {@code partitions} the group never committed where they start. If that cannot be told
     * now, they are put at the beginning for the time being (else every poll of the shared consumer
     * would fail on them) and the failure is thrown: the delivery pauses and rewinds a second later,
     * which places them for real.
     */
    void startFresh(Collection<TopicPartition> partitions) {
        try {
            startingOffsets.seek(consumer, namespace, partitions);
        } catch (RuntimeException e) {
            consumer.seekToBeginning(partitions);
            throw e;
        }
    }
}
