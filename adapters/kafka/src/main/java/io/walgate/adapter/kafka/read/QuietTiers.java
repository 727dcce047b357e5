package io.walgate.adapter.kafka.read;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
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
 *       partition is looked at once right away, then with every quiet partition of its tier, every
 *       quarter of the tier's length (at least every {@link #LONGEST_GAP}); so an entry is fetched
 *       well before it is released, unless it took the producer most of the tier's length to append
 *       it.
 *   <li>Never blocks the polling thread: one look is asked at a time and answered on the Admin
 *       client's thread; the answer is taken up before a later poll. A look not answered within
 *       {@link #LOOK_TIMEOUT} counts as failed.
 *   <li>When in doubt, fetch: a partition whose end could not be told, or that ends anywhere but
 *       where it rests, is fetched again (and not quietened before it was read to that end); after
 *       a look that failed as a whole, nothing is quietened for {@link #AFTER_FAILURE}.
 *   <li>Only a running member's tier partitions, fetched since the sweep before (so the consumer
 *       knows their end), not paused or held by the member, are quietened, once every {@link
 *       #QUIETEN_EVERY}; a partition that is revoked, lost or rewound is forgotten with the rest of
 *       its member's pauses (and here at its next look).
 *   <li>Its work per poll is a few comparisons: the partitions are walked only to quieten them and
 *       when they are looked at.
 * </ol>
 */
final class QuietTiers {
    private static final System.Logger LOG = System.getLogger(QuietTiers.class.getName());
    /** How often it checks whether a look is due (and the poll waits no longer while any is quiet). */
    static final Duration TICK = Duration.ofMillis(100);
    /** How often the fetched tier partitions are checked for having been read to their end. */
    static final Duration QUIETEN_EVERY = Duration.ofSeconds(1);
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

    private final Consumer<?, ?> consumer;
    private final EndOffsets endOffsets;
    private final Clock clock;
    /** Quiet partitions by their tier's length, each with the sweep that quietened it. */
    private final Map<Duration, Map<TopicPartition, Long>> quiet = new HashMap<>();
    /** Per tier length, when its quiet partitions are looked at next. */
    private final Map<Duration, Instant> nextLook = new HashMap<>();
    /** Quietened since the last look: looked at once right away. */
    private final Set<TopicPartition> fresh = new HashSet<>();
    /** Tier partitions that were fetched at the last sweep. */
    private Set<TopicPartition> fetchedAtLastSweep = Set.of();

    private Instant nextTick = Instant.MIN;
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
        if (nextTick.isAfter(now.plus(TICK))) {
            clockWentBack(now);
        }
        Answer answer = answered.getAndSet(null);
        if (answer != null && asking != null && answer.ask() == asks) {
            takeAnswer(answer.ends(), owner, now);
        } else if (asking != null && !now.isBefore(askedAt.plus(LOOK_TIMEOUT))) {
            LOG.log(Level.DEBUG, "no answer to a look at " + asking.size() + " quiet partitions");
            takeAnswer(null, owner, now);
        }
        if (now.isBefore(nextTick)) {
            return;
        }
        nextTick = now.plus(TICK);
        if (!now.isBefore(nextSweep) && !now.isBefore(quietenFrom)) {
            nextSweep = now.plus(QUIETEN_EVERY);
            sweeps++;
            sweep(owner, now);
        }
        look(now);
    }

    /** The wall clock went back: whatever was due later than it can be from now is due now. */
    private void clockWentBack(Instant now) {
        nextTick = now;
        nextSweep = now;
        quietenFrom = now;
        if (askedAt != null && askedAt.isAfter(now)) {
            askedAt = now;
        }
        nextLook.replaceAll((tier, at) -> at.isAfter(now.plus(gap(tier))) ? now : at);
    }

    /** How long the next poll may wait: while partitions are quiet, no longer than a tick. */
    Duration pollTimeout(Duration max) {
        return quiet() == 0 && asking == null ? max : (TICK.compareTo(max) < 0 ? TICK : max);
    }

    /** How many partitions are quiet now. */
    int quiet() {
        int n = 0;
        for (Map<TopicPartition, Long> tier : quiet.values()) {
            n += tier.size();
        }
        return n;
    }

    private void sweep(Function<TopicPartition, NamespaceDelivery> owner, Instant now) {
        Set<TopicPartition> fetched = new HashSet<>();
        for (TopicPartition p : consumer.assignment()) {
            NamespaceDelivery member = owner.apply(p);
            Duration tier = member == null ? null : member.tier(p).orElse(null);
            if (tier == null || !member.mayQuieten(p)) {
                continue;
            }
            if (!fetchedAtLastSweep.contains(p)) {
                fetched.add(p); // its end is known once it has been fetched: at the next sweep
                continue;
            }
            try {
                if (consumer.currentLag(p).orElse(-1) == 0 && member.quieten(p, consumer.position(p))) {
                    quiet.computeIfAbsent(tier, t -> new HashMap<>()).put(p, sweeps);
                    nextLook.putIfAbsent(tier, now.plus(gap(tier)));
                    fresh.add(p); // appended to since the fetch that told its end?
                    continue;
                }
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "not quietening " + p + ": " + e); // it stays fetched
            }
            fetched.add(p);
        }
        fetchedAtLastSweep = fetched;
    }

    /** Asks the end offsets of the fresh quiet partitions and of every tier whose look is due. */
    private void look(Instant now) {
        if (asking != null) {
            return;
        }
        Set<TopicPartition> due = new HashSet<>(fresh);
        Instant horizon = now.plus(TICK); // those due before the next tick go along
        for (Map.Entry<Duration, Instant> look : nextLook.entrySet()) {
            Map<TopicPartition, Long> its = quiet.get(look.getKey());
            if (look.getValue().isBefore(horizon) && its != null && !its.isEmpty()) {
                due.addAll(its.keySet());
                look.setValue(now.plus(gap(look.getKey())));
            }
        }
        fresh.clear();
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
                Answer mine = new Answer(ask, failure == null ? ends : null);
                answered.accumulateAndGet(mine, (other, it) -> other != null && other.ask() > it.ask() ? other : it);
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
            NamespaceDelivery member = owner.apply(p);
            if (member == null) {
                quiet.values().forEach(its -> its.remove(p)); // its member has gone
                continue;
            }
            Map<TopicPartition, Long> its = quiet.get(member.tier(p).orElse(Duration.ZERO));
            Long since = its == null ? null : its.get(p);
            if (since == null) {
                continue;
            }
            if (since > askedAtSweep) {
                continue; // quietened again since it was asked (after a rewind, say): it is fresh
            }
            try {
                if (!member.lookedAt(p, ends == null ? null : ends.get(p))) {
                    its.remove(p); // woken, or no longer quiet (revoked, lost, rewound)
                }
            } catch (RuntimeException e) {
                its.remove(p);
                member.failed(e); // that member's alone: it rewinds, the others go on
            }
        }
    }

    /** A quarter of the tier's length, at most {@link #LONGEST_GAP}. */
    private static Duration gap(Duration tier) {
        Duration quarter = tier.dividedBy(4);
        return quarter.compareTo(LONGEST_GAP) < 0 ? quarter : LONGEST_GAP;
    }
}
