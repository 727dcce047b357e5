package io.walgate.adapter.kafka.read;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Delay tiers that hold nothing are not fetched. Each namespace has seven tiers besides its log,
 * nearly always empty; fetched, they made up seven eighths of a shared consumer's partitions, and
 * every fetch (the client's and the broker's work alike) walks them all: with 500 namespaces per
 * worker that slowed the busy namespaces' deliveries eightfold. So a tier partition the consumer has
 * read to its end is paused ({@link Pauses#quieten}), and its end offset is looked at instead (one
 * Admin call for many partitions); when it moves, the partition is fetched again.
 *
 * <ol>
 *   <li>Never late: an entry waits in a tier for the tier's length after its append, and a quiet
 *       partition is looked at once right away, then every quarter of its tier's length (at most
 *       {@link #LONGEST_GAP}); so it is fetched again well before any entry of it is released.
 *   <li>Never blocks the polling thread: one look is asked at a time and answered on the Admin
 *       client's thread; the answer is taken up before a later poll.
 *   <li>When in doubt, fetch: a partition whose end could not be told, or that ends anywhere but
 *       where it rests, is fetched again.
 *   <li>Only a running member's tier partitions, fetched since the sweep before (so the consumer
 *       knows their end), not paused or held by the member, are quietened; a partition that is
 *       revoked, lost or rewound is forgotten with the rest of its member's pauses.
 * </ol>
 */
final class QuietTiers {
    private static final System.Logger LOG = System.getLogger(QuietTiers.class.getName());
    /** How often the fetched tier partitions are checked for having been read to their end. */
    static final Duration SWEEP = Duration.ofMillis(100);
    /** The longest gap between two looks at a quiet partition, however long its tier. */
    static final Duration LONGEST_GAP = Duration.ofSeconds(30);

    /** Asks the partitions' end offsets; a partition missing from the answer could not be told. */
    interface EndOffsets {
        CompletionStage<Map<TopicPartition, Long>> of(Set<TopicPartition> partitions);
    }

    private record Answer(Set<TopicPartition> asked, Map<TopicPartition, Long> ends) {}

    private final Consumer<?, ?> consumer;
    private final EndOffsets endOffsets;
    private final Clock clock;
    /** Quiet partitions, each with when to look at it next. */
    private final Map<TopicPartition, Instant> nextLook = new HashMap<>();
    /** Tier partitions that were fetched at the last sweep. */
    private Set<TopicPartition> fetchedAtLastSweep = Set.of();

    private Instant nextSweep = Instant.MIN;
    private boolean asking;
    private final AtomicReference<Answer> answered = new AtomicReference<>();

    QuietTiers(Consumer<?, ?> consumer, EndOffsets endOffsets, Clock clock) {
        this.consumer = consumer;
        this.endOffsets = endOffsets;
        this.clock = clock;
    }

    /** Before a poll, on the polling thread; {@code owner} tells a partition's member (or null). */
    void beforePoll(Function<TopicPartition, NamespaceDelivery> owner) {
        Instant now = clock.instant();
        takeAnswer(owner, now);
        if (!now.isBefore(nextSweep)) {
            nextSweep = now.plus(SWEEP);
            sweep(owner, now);
            look(owner, now);
        }
    }

    /** How long the next poll may wait: while partitions are quiet, no longer than a sweep. */
    Duration pollTimeout(Duration max) {
        return nextLook.isEmpty() && !asking ? max : (SWEEP.compareTo(max) < 0 ? SWEEP : max);
    }

    /** Quiet partitions waiting for their next look, for tests and metrics. */
    int quiet() {
        return nextLook.size();
    }

    private void sweep(Function<TopicPartition, NamespaceDelivery> owner, Instant now) {
        Set<TopicPartition> fetched = new HashSet<>();
        for (TopicPartition p : consumer.assignment()) {
            NamespaceDelivery member = owner.apply(p);
            if (member == null || member.tier(p).isEmpty() || !member.mayQuieten(p)) {
                continue;
            }
            if (!fetchedAtLastSweep.contains(p)) {
                fetched.add(p); // its end is known once it has been fetched: at the next sweep
                continue;
            }
            try {
                if (consumer.currentLag(p).orElse(-1) == 0) {
                    member.quieten(p, consumer.position(p));
                    nextLook.put(p, now); // appended to since the fetch that told its end?
                    continue;
                }
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "not quietening " + p + ": " + e); // it stays fetched
            }
            fetched.add(p);
        }
        fetchedAtLastSweep = fetched;
    }

    private void look(Function<TopicPartition, NamespaceDelivery> owner, Instant now) {
        if (asking) {
            return;
        }
        Set<TopicPartition> due = new HashSet<>();
        Instant horizon = now.plus(SWEEP); // those due before the next sweep go along
        for (Iterator<Map.Entry<TopicPartition, Instant>> it =
                        nextLook.entrySet().iterator();
                it.hasNext(); ) {
            Map.Entry<TopicPartition, Instant> e = it.next();
            NamespaceDelivery member = owner.apply(e.getKey());
            if (member == null || !member.isQuiet(e.getKey())) {
                it.remove(); // woken, revoked or rewound meanwhile
            } else if (e.getValue().isBefore(horizon)) {
                due.add(e.getKey());
            }
        }
        if (due.isEmpty()) {
            return;
        }
        asking = true;
        Set<TopicPartition> asked = Set.copyOf(due);
        try {
            endOffsets.of(asked).whenComplete((ends, failure) -> {
                if (failure != null) {
                    LOG.log(Level.DEBUG, "the end offsets of " + asked.size() + " quiet partitions: " + failure);
                }
                answered.set(new Answer(asked, failure == null ? ends : Map.of()));
            });
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "could not ask the end offsets of quiet partitions: " + e);
            answered.set(new Answer(asked, Map.of()));
        }
    }

    private void takeAnswer(Function<TopicPartition, NamespaceDelivery> owner, Instant now) {
        Answer answer = answered.getAndSet(null);
        if (answer == null) {
            return;
        }
        asking = false;
        for (TopicPartition p : answer.asked()) {
            NamespaceDelivery member = owner.apply(p);
            if (member != null && member.lookedAt(p, answer.ends().get(p))) {
                nextLook.put(p, now.plus(gap(member.tier(p).orElse(Duration.ZERO))));
            } else {
                nextLook.remove(p);
            }
        }
    }

    /** A quarter of the tier's length, at most {@link #LONGEST_GAP}. */
    private static Duration gap(Duration tier) {
        Duration quarter = tier.dividedBy(4);
        return quarter.compareTo(LONGEST_GAP) < 0 ? quarter : LONGEST_GAP;
    }
}
