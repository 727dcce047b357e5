package io.walgate.adapter.kafka.read;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;

/**
 * The namespaces a {@link SharedConsumer} serves: who joins, who leaves, which topic is whose, and
 * which of them a poll attends to.
 *
 * <ol>
 *   <li>Threading: used on the shared consumer's thread, but for {@link #add} and {@link #stopAll},
 *       which may be called from any thread.
 *   <li>A topic has one member at a time: a joiner whose topics a stopping member still reads waits
 *       until that one has left (its applies settled and committed).
 *   <li>A joiner is admitted (subscribed) only once its topics exist; one stopped before is closed
 *       without ever being subscribed.
 *   <li>A step run {@link #each} for one member that fails is that member's failure alone.
 * </ol>
 */
final class Members {
    private static final System.Logger LOG = System.getLogger(Members.class.getName());
    /** How often a member that is not {@link NamespaceDelivery#active} is attended to all the same. */
    static final Duration IDLE_VISIT = Duration.ofMillis(100);

    private final Consumer<byte[], byte[]> consumer;
    private final Clock clock;
    private final List<NamespaceDelivery> members = new ArrayList<>();
    /** Topic → its member (a stopping member's topics are not given to a joiner until it has left). */
    private final Map<String, NamespaceDelivery> byTopic = new HashMap<>();

    private final ConcurrentLinkedQueue<NamespaceDelivery> joining = new ConcurrentLinkedQueue<>();
    /** The members as last subscribed, for {@link #stopAll} from another thread. */
    private volatile List<NamespaceDelivery> snapshot = List.of();
    /** Set by {@link #stopAll}: members still joining are stopped as they are admitted. */
    private volatile boolean stopping;

    private Instant nextIdleVisit = Instant.MIN;

    Members(Consumer<byte[], byte[]> consumer, Clock clock) {
        this.consumer = consumer;
        this.clock = clock;
    }

    /** A member to admit at the next turn of the loop (any thread). */
    void add(NamespaceDelivery joiner) {
        joining.add(joiner);
    }

    /** Stops every member and every joiner (any thread): each drains and leaves. */
    void stopAll() {
        stopping = true;
        joining.forEach(NamespaceDelivery::stop);
        snapshot.forEach(NamespaceDelivery::stop); // stop() is the one thread-safe call
    }

    boolean isEmpty() {
        return members.isEmpty();
    }

    boolean noneJoining() {
        return joining.isEmpty();
    }

    List<NamespaceDelivery> all() {
        return members;
    }

    NamespaceDelivery owner(TopicPartition partition) {
        return byTopic.get(partition.topic());
    }

    /**
     * Admits joiners whose topics no member (a stopping one) still has, and stops those admitted
     * after {@link #stopAll}; @return whether the members changed
     */
    boolean admit() {
        if (stopping) {
            members.forEach(NamespaceDelivery::stop); // whoever was admitted as stopAll came
        }
        boolean changed = false;
        for (NamespaceDelivery joiner : List.copyOf(joining)) {
            if (!joiner.admissible()) {
                if (!joiner.running() || stopping) {
                    joining.remove(joiner); // stopped before its topics existed: never subscribed
                    joiner.stop();
                    joiner.closeUnread();
                }
                continue; // its topics do not exist yet
            }
            if (joiner.topics().stream().anyMatch(byTopic::containsKey)) {
                continue; // its former self is still draining
            }
            joining.remove(joiner);
            if (stopping) {
                joiner.stop(); // stopAll came before its admission: it drains at once
            }
            members.add(joiner);
            joiner.topics().forEach(t -> byTopic.put(t, joiner));
            List<TopicPartition> already = joiner.assigned();
            joiner.gained(already);
            if (!already.isEmpty()) {
                // Still assigned from a former member: read again from the commit, not from where
                // that one stopped reading.
                joiner.rewindNow();
            }
            changed = true;
        }
        return changed;
    }

    /**
     * Members that stopped: stops reading them, and once their applies are done, closes them;
     * @return whether the members changed
     */
    boolean release() {
        boolean changed = false;
        for (NamespaceDelivery member : List.copyOf(members)) {
            if (member.running()) {
                continue;
            }
            consumer.pause(member.assigned());
            try {
                member.beforePoll(); // settles applies that ended
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "settling " + member.name() + " as it stops: " + e);
            }
            if (member.drained()) {
                member.close();
                members.remove(member);
                member.topics().forEach(byTopic::remove);
                changed = true;
            }
        }
        return changed;
    }

    /** The topics to subscribe to now; the members as they are become those {@link #stopAll} stops. */
    Set<String> subscription() {
        snapshot = List.copyOf(members);
        return new TreeSet<>(byTopic.keySet());
    }

    /**
     * The members a poll attends to: every one each {@link #IDLE_VISIT}, else only those {@link
     * NamespaceDelivery#active} before the next such visit (the shared consumer adds, after the
     * poll, those it brought records): with hundreds of idle namespaces, visiting each at every poll
     * (every few milliseconds while applies run) cost the busy ones' latency.
     */
    List<NamespaceDelivery> attended() {
        Instant now = clock.instant();
        if (!now.isBefore(nextIdleVisit) || nextIdleVisit.isAfter(now.plus(IDLE_VISIT))) { // or the clock went back
            nextIdleVisit = now.plus(IDLE_VISIT);
            return members;
        }
        List<NamespaceDelivery> active = new ArrayList<>();
        for (NamespaceDelivery member : members) {
            if (member.active(nextIdleVisit)) {
                active.add(member);
            }
        }
        return active;
    }

    /** How long a poll may wait before the next visit to every member is due. */
    Duration untilIdleVisit() {
        Duration left = Duration.between(clock.instant(), nextIdleVisit);
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** {@code partitions} grouped by member (those no member owns are left out). */
    Map<NamespaceDelivery, List<TopicPartition>> byMember(Collection<TopicPartition> partitions) {
        Map<NamespaceDelivery, List<TopicPartition>> grouped = new LinkedHashMap<>();
        for (TopicPartition p : partitions) {
            NamespaceDelivery member = owner(p);
            if (member != null) {
                grouped.computeIfAbsent(member, m -> new ArrayList<>()).add(p);
            }
        }
        return grouped;
    }

    /** Never leave a stop waiting: closes every member and joiner (the consumer's thread dies). */
    void closeAll() {
        members.forEach(NamespaceDelivery::close);
        joining.forEach(NamespaceDelivery::close);
    }

    /** Runs {@code step} of one member; a failure is that member's alone. */
    static void each(NamespaceDelivery member, Step step) {
        try {
            step.on(member);
        } catch (RuntimeException e) {
            member.failed(e);
        }
    }

    interface Step {
        void on(NamespaceDelivery member);
    }

    /** Hands each member its share of a rebalance; called inside {@code poll}, on the consumer's thread. */
    ConsumerRebalanceListener rebalanceListener() {
        return new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                byMember(partitions)
                        .forEach((member, its) -> each(member, m -> {
                            m.dropped(its);
                            m.handOver(its);
                        }));
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                // A member waiting to rewind reads its new partitions only after the rewind.
                byMember(partitions).forEach((member, its) -> {
                    member.gained(its);
                    if (member.rewinding() || !member.running()) {
                        consumer.pause(its);
                    } else {
                        member.assignedNow(its);
                    }
                });
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                byMember(partitions)
                        .forEach((member, its) -> each(member, m -> {
                            m.dropped(its);
                            m.forget(its);
                        }));
            }
        };
    }
}
