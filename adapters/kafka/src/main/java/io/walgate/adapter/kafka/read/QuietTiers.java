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
 *   <li>Not late: an entry waits in a tier for the tier's length after it was sent, and a quiet
 *       partition is looked at once right away, then every quarter of its tier's length (at least
 *       every {@link #LONGEST_GAP}); so an entry is fetched well before it is released, unless it
 *       took the producer most of the tier's length to append it.
 *   <li>Never blocks the polling thread: one look is asked at a time and answered on the Admin
 *       client's thread; the answer is taken up before a later poll. A look not answered within
 *       {@link #LOOK_TIMEOUT} counts as failed.
 *   <li>When in doubt, fetch: a partition whose end could not be told, or that ends anywhere but
 *       where it rests, is fetched again (and not quietened before it was read to that end); after
 *       a look that failed as a whole, nothing is quietened for {@link #AFTER_FAILURE}.
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
    /** A look not answered by then is taken as failed (the Admin call has a shorter timeout). */
    static final Duration LOOK_TIMEOUT = Duration.ofSeconds(2);
    /** After a look failed as a whole (the broker away), every tier is fetched for this long. */
    static final Duration AFTER_FAILURE = Duration.ofSeconds(5);

    /** Asks the partitions' end offsets; a partition missing from the answer could not be told. */
    interface EndOffsets {
        CompletionStage<Map<TopicPartition, Long>> of(Set<TopicPartition> partitions);
    }

    /**
     * @param ask which look it answers
     * @param ends null: the look failed as a whole
     */
    private record Answer(long ask, Map<TopicPartition, Long> ends) {}

    /** A quiet partition's next look, and the sweep that quietened it. */
    private record Look(Instant next, long since) {}

    private final Consumer<?, ?> consumer;
    private final EndOffsets endOffsets;
    private final Clock clock;
    /** Quiet partitions, each with when to look at it next. */
    private final Map<TopicPartition, Look> nextLook = new HashMap<>();
    /** Tier partitions that were fetched at the last sweep. */
    private Set<TopicPartition> fetchedAtLastSweep = Set.of();

    private Instant nextSweep = Instant.MIN;
    private long sweeps;
    private Instant quietenFrom = Instant.MIN;
    /** The partitions of the look asked and not answered yet (null: none); its number, when, at which sweep. */
    private Set<TopicPartition> asking;

    private long asks;
    private Instant askedAt;
    private long askedAtSweep;
    private final AtomicReference<Answer> answered = new AtomicReference<>();

    QuietTiers(Consumer<?, ?> consumer, EndOffsets endOffsets, Clock clock) {
        this.consumer = consumer;
        this.endOffsets = endOffsets;
        this.clock = clock;
    }

    /** Before a poll, on the polling thread; {@code owner} tells a partition's member (or null). */
    void beforePoll(Function<TopicPartition, NamespaceDelivery> owner) {
        Instant now = clock.instant();
        Answer answer = answered.getAndSet(null);
        if (answer != null && asking != null && answer.ask() == asks) {
            takeAnswer(answer.ends(), owner, now);
        } else if (asking != null && !now.isBefore(askedAt.plus(LOOK_TIMEOUT))) {
            LOG.log(Level.DEBUG, "no answer to a look at " + asking.size() + " quiet partitions");
            takeAnswer(null, owner, now);
        }
        if (!now.isBefore(nextSweep)) {
            nextSweep = now.plus(SWEEP);
            sweeps++;
            if (!now.isBefore(quietenFrom)) {
                sweep(owner, now);
            }
            look(owner, now);
        }
    }

    /** How long the next poll may wait: while partitions are quiet, no longer than a sweep. */
    Duration pollTimeout(Duration max) {
        return nextLook.isEmpty() && asking == null ? max : (SWEEP.compareTo(max) < 0 ? SWEEP : max);
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
                if (consumer.currentLag(p).orElse(-1) == 0 && member.quieten(p, consumer.position(p))) {
                    nextLook.put(p, new Look(now, sweeps)); // appended to since the fetch that told its end?
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
        if (asking != null) {
            return;
        }
        Set<TopicPartition> due = new HashSet<>();
        Instant horizon = now.plus(SWEEP); // those due before the next sweep go along
        for (Iterator<Map.Entry<TopicPartition, Look>> it = nextLook.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<TopicPartition, Look> e = it.next();
            NamespaceDelivery member = owner.apply(e.getKey());
            if (member == null || !member.isQuiet(e.getKey())) {
                it.remove(); // woken, revoked or rewound meanwhile
            } else if (e.getValue().next().isBefore(horizon)) {
                due.add(e.getKey());
            }
        }
        if (due.isEmpty()) {
            return;
        }
        asking = Set.copyOf(due);
        askedAt = now;
        askedAtSweep = sweeps;
        long ask = ++asks;
        int count = due.size();
        try {
            endOffsets.of(asking).whenComplete((ends, failure) -> {
                if (failure != null) {
                    LOG.log(Level.DEBUG, "the end offsets of " + count + " quiet partitions: " + failure);
                }
                answered.set(new Answer(ask, failure == null ? ends : null));
            });
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "could not ask the end offsets of quiet partitions: " + e);
            answered.set(new Answer(ask, null));
        }
    }

    /** The end offsets of the partitions asked ({@code ends} null: the look failed as a whole). */
    private void takeAnswer(
            Map<TopicPartition, Long> ends, Function<TopicPartition, NamespaceDelivery> owner, Instant now) {
        Set<TopicPartition> asked = asking;
        asking = null;
        if (ends == null) {
            quietenFrom = now.plus(AFTER_FAILURE);
        }
        for (TopicPartition p : asked) {
            Look look = nextLook.get(p);
            NamespaceDelivery member = owner.apply(p);
            if (look == null || member == null) {
                nextLook.remove(p);
            } else if (look.since() > askedAtSweep) {
                continue; // quietened again since it was asked (after a rewind, say): its own look is due
            } else if (member.lookedAt(p, ends == null ? null : ends.get(p))) {
                nextLook.put(p, new Look(now.plus(gap(member.tier(p).orElse(Duration.ZERO))), look.since()));
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
