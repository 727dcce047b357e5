package io.walgate.adapter.kafka.read;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.NoOffsetForPartitionException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;

/**
 * One consumer of a region's delivery group, polling on a thread of its own for many namespaces
 * ({@link NamespaceDelivery}, its members): what lets one worker serve hundreds of namespaces with
 * a few threads and consumers. It only polls, hands each member its share of a poll, and commits
 * for them all; the members apply (on their {@link Lanes}) and settle.
 *
 * <ol>
 *   <li>Threading: the consumer and the members are used on this thread only; {@link #join} and the
 *       members' {@code stop()} may be called from any thread and take effect within a poll (at
 *       most {@link #MAX_POLL}) once the member's work in hand is done.
 *   <li>Members are walled off: each touches only its own topics' partitions; a member's failure
 *       (its DLQ, its re-appends, a topic it may not read) rewinds only that member; commits go per
 *       member, so one the broker refuses holds back no other; a member that stops is drained (its
 *       applies end, are settled and committed) while the others go on being polled.
 *   <li>What a member does on this thread holds up the others for as long: applies never run here
 *       (ordering {@code NONE} applies on lanes; a {@code KEY} namespace has a consumer of its own),
 *       but settling does: a batch's re-appends and dead letters are sent together and waited for
 *       once, bounded by the producers' timeouts when the log does not answer.
 *   <li>A failure of the consumer itself rewinds every member to its commit and polls again {@link
 *       NamespaceDelivery#AGAIN_AFTER} later. Commits go without waiting ({@code commitAsync});
 *       partitions that go to another owner are first settled and committed with a wait.
 *   <li>When its last member has left and no other is joining, it ends: it leaves the group and
 *       closes the consumer. {@link #join} then answers false, and the reader makes another.
 * </ol>
 */
final class SharedConsumer implements Runnable {
    private static final System.Logger LOG = System.getLogger(SharedConsumer.class.getName());
    static final Duration MAX_POLL = Duration.ofMillis(200);
    /** How often a member that is not {@link NamespaceDelivery#active} is attended to all the same. */
    static final Duration IDLE_VISIT = Duration.ofMillis(100);

    private final String name;
    private final Consumer<byte[], byte[]> consumer;
    private final Clock clock;
    private final List<NamespaceDelivery> members = new ArrayList<>();
    /** Topic → its member (a stopping member's topics are not given to a joiner until it has left). */
    private final Map<String, NamespaceDelivery> byTopic = new HashMap<>();

    private final ConcurrentLinkedQueue<NamespaceDelivery> joining = new ConcurrentLinkedQueue<>();
    /** The members, for {@link #stopAll} from another thread. */
    private volatile List<NamespaceDelivery> membersSnapshot = List.of();

    private boolean ended;
    private Instant nextIdleVisit = Instant.MIN;
    private Thread thread;
    /** Members changed and the subscription does not show it yet (it failed, say). */
    private boolean resubscribeDue;
    /** Set by {@link #stopAll}: members still joining are stopped as they are admitted. */
    private volatile boolean stopping;

    private final Runnable onEnd;
    /** Its members' empty delay tiers, not fetched; null: every tier is fetched. */
    private final QuietTiers quietTiers;

    /** A shared consumer that fetches every delay tier, empty or not. */
    SharedConsumer(String name, Consumer<byte[], byte[]> consumer, Clock clock, Runnable onEnd) {
        this(name, consumer, clock, null, onEnd);
    }

    /**
     * @param consumer in the region's delivery group, not yet subscribed; closed when this ends
     * @param endOffsets tells the end offsets of delay tiers it stops fetching while they are empty
     *     ({@link QuietTiers}); null: it fetches them all
     * @param onEnd told (on this consumer's thread) once it has ended
     */
    SharedConsumer(
            String name,
            Consumer<byte[], byte[]> consumer,
            Clock clock,
            QuietTiers.EndOffsets endOffsets,
            Runnable onEnd) {
        this.name = name;
        this.consumer = consumer;
        this.clock = clock;
        this.onEnd = onEnd;
        this.quietTiers = endOffsets == null ? null : new QuietTiers(consumer, endOffsets, clock);
    }

    /** The consumer its members are built with (they use it on this consumer's thread only). */
    Consumer<byte[], byte[]> consumer() {
        return consumer;
    }

    /**
     * Adds a member (starting the thread on the first); @return false if this consumer has ended or
     * is ending: the member must be built again for another.
     */
    synchronized boolean join(NamespaceDelivery member) {
        if (ended) {
            return false;
        }
        joining.add(member);
        if (thread == null) {
            thread = new Thread(this, name);
            thread.setDaemon(true);
            thread.start();
        }
        return true;
    }

    /** Never joined: closes the consumer (its thread never ran). */
    synchronized void closeUnused() {
        if (thread == null) {
            ended = true;
            consumer.close();
        }
    }

    /** Stops every member (each drains and leaves); the consumer then ends. */
    synchronized void stopAll() {
        stopping = true;
        joining.forEach(NamespaceDelivery::stop);
        membersSnapshot.forEach(NamespaceDelivery::stop); // stop() is the one thread-safe call
    }

    /** Waits for it to end after {@link #stopAll}; @return whether it had within {@code timeout} */
    boolean awaitEnded(Duration timeout) throws InterruptedException {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            t.join(Math.max(1, timeout.toMillis()));
        }
        return t == null || !t.isAlive();
    }

    @Override
    public void run() {
        try {
            while (true) {
                try {
                    if (stopping) {
                        members.forEach(NamespaceDelivery::stop); // whoever joined as stopAll came
                    }
                    resubscribeDue |= admit();
                    resubscribeDue |= release();
                    if (resubscribeDue) {
                        resubscribe();
                        resubscribeDue = false;
                    }
                    if (members.isEmpty()) {
                        if (endIfNoneJoining()) {
                            return;
                        }
                        continue;
                    }
                    pollOnce();
                } catch (RuntimeException e) {
                    // Not expected (members catch their own failures, the poll is caught): never
                    // let the thread die with namespaces that would silently stop being delivered.
                    LOG.log(Level.ERROR, name + " failed; its namespaces go back to their last commits: " + e, e);
                    for (NamespaceDelivery m : members) {
                        try {
                            m.rewindLater(e);
                        } catch (RuntimeException again) {
                            LOG.log(Level.DEBUG, "rewinding " + m.name() + " later: " + again);
                        }
                    }
                    sleep(NamespaceDelivery.AGAIN_AFTER);
                }
            }
        } catch (Error e) {
            synchronized (this) {
                ended = true;
            }
            members.forEach(NamespaceDelivery::close); // never leave a stop waiting
            joining.forEach(NamespaceDelivery::close);
            throw e;
        } finally {
            try {
                consumer.close();
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "closing " + name + ": " + e);
            }
            onEnd.run();
        }
    }

    private synchronized boolean endIfNoneJoining() {
        if (joining.isEmpty()) {
            ended = true;
            return true;
        }
        return false;
    }

    /** Admits joiners whose topics no member (a stopping one) still has. */
    private boolean admit() {
        boolean changed = false;
        for (NamespaceDelivery joiner : List.copyOf(joining)) {
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

    /** Members that stopped: stop reading them, and once their applies are done, close them. */
    private boolean release() {
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

    private void resubscribe() {
        membersSnapshot = List.copyOf(members);
        Set<String> topics = new TreeSet<>(byTopic.keySet());
        if (topics.isEmpty()) {
            consumer.unsubscribe();
        } else {
            consumer.subscribe(topics, new Rebalance());
        }
    }

    private void pollOnce() {
        Duration timeout = MAX_POLL;
        List<NamespaceDelivery> rewinding = new ArrayList<>();
        for (NamespaceDelivery member : members) {
            if (member.rewindDue()) {
                rewinding.add(member);
            }
        }
        rewind(rewinding);
        if (quietTiers != null) {
            quietTiers.beforePoll(p -> byTopic.get(p.topic()));
            timeout = quietTiers.pollTimeout(timeout);
        }
        List<NamespaceDelivery> attended = attended();
        Duration untilIdleVisit = Duration.between(clock.instant(), nextIdleVisit);
        timeout = untilIdleVisit.isNegative()
                ? Duration.ZERO
                : untilIdleVisit.compareTo(timeout) < 0 ? untilIdleVisit : timeout;
        for (NamespaceDelivery member : attended) {
            each(member, NamespaceDelivery::beforePoll);
            Duration its = member.pollTimeout(MAX_POLL);
            timeout = its.compareTo(timeout) < 0 ? its : timeout;
        }
        ConsumerRecords<byte[], byte[]> records;
        try {
            records = consumer.poll(timeout);
        } catch (NoOffsetForPartitionException e) {
            // Partitions the group never committed: where each starts is its member's to say.
            byMember(e.partitions()).forEach((member, its) -> each(member, m -> m.startFresh(its)));
            List<TopicPartition> unowned = e.partitions().stream()
                    .filter(p -> !byTopic.containsKey(p.topic()))
                    .toList();
            if (!unowned.isEmpty()) {
                consumer.seekToBeginning(unowned); // no member's: about to be revoked, never delivered
            }
            return;
        } catch (OffsetOutOfRangeException e) {
            Map<TopicPartition, Long> positions = e.offsetOutOfRangePartitions();
            byMember(positions.keySet())
                    .forEach((member, its) -> each(member, m -> {
                        Map<TopicPartition, Long> mine = new HashMap<>();
                        its.forEach(p -> mine.put(p, positions.get(p)));
                        m.skipLost(mine);
                    }));
            return;
        } catch (TopicAuthorizationException e) {
            // Some namespaces' topics may not be read (their ACLs): those go back to their commits
            // and try again later; the others are polled on.
            Set<String> denied = e.unauthorizedTopics();
            List<NamespaceDelivery> owners = members.stream()
                    .filter(m -> m.topics().stream().anyMatch(denied::contains))
                    .toList();
            LOG.log(Level.WARNING, name + " may not read " + denied + ": " + e.getMessage());
            owners.forEach(m -> m.rewindLater(e));
            if (owners.size() == members.size()) {
                sleep(NamespaceDelivery.AGAIN_AFTER);
            }
            return;
        } catch (RuntimeException e) {
            // The consumer itself failed: every member goes back to its commit, a second later.
            LOG.log(
                    Level.WARNING,
                    name + " failed to poll for " + members.size() + " namespaces; each goes back to its last"
                            + " commit in " + NamespaceDelivery.AGAIN_AFTER.toSeconds() + " s: " + e,
                    e);
            members.forEach(m -> m.rewindLater(e));
            sleep(NamespaceDelivery.AGAIN_AFTER);
            return;
        }
        Map<NamespaceDelivery, Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>>> shares = new HashMap<>();
        for (TopicPartition p : records.partitions()) {
            NamespaceDelivery member = byTopic.get(p.topic());
            if (member != null) {
                shares.computeIfAbsent(member, m -> new LinkedHashMap<>()).put(p, records.records(p));
            }
        }
        if (attended != members) {
            Set<NamespaceDelivery> already = new HashSet<>(attended);
            shares.keySet().stream().filter(m -> !already.contains(m)).forEach(attended::add);
        }
        for (NamespaceDelivery member : attended) {
            var share = shares.getOrDefault(member, Map.of());
            each(
                    member,
                    m -> m.deliver(share.isEmpty() ? ConsumerRecords.empty() : new ConsumerRecords<>(share, Map.of())));
        }
        commit(attended);
    }

    /**
     * The members this poll attends to: every one each {@link #IDLE_VISIT} (the poll waits no longer),
     * else only those {@link NamespaceDelivery#active} before the next such visit (and, after the
     * poll, those it brought records): with hundreds of idle namespaces, visiting each at every poll
     * (every few milliseconds while applies run) cost the busy ones' latency.
     */
    private List<NamespaceDelivery> attended() {
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

    /** Rewinds members to their commits: one broker call for all of them. */
    private void rewind(List<NamespaceDelivery> rewinding) {
        if (rewinding.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> last;
        try {
            Set<TopicPartition> partitions = new HashSet<>();
            rewinding.forEach(m -> partitions.addAll(m.assigned()));
            last = partitions.isEmpty() ? Map.of() : consumer.committed(partitions, Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            rewinding.forEach(m -> m.rewindFailed(e));
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> found = last;
        rewinding.forEach(m -> each(m, r -> r.rewindTo(found)));
    }

    /**
     * Commits what the members settled without waiting for the broker: the next poll (and its
     * fetch) goes on meanwhile. One commit per member that settled something, so that a commit the
     * broker refuses for one namespace (its ACLs) holds back no other. A commit lost with a crash
     * costs a redelivery, which the targets apply idempotently.
     */
    private void commit(List<NamespaceDelivery> attended) {
        for (NamespaceDelivery member : attended) {
            Map<TopicPartition, OffsetAndMetadata> due = member.committable();
            if (!due.isEmpty()) {
                consumer.commitAsync(due, member::commitAnswered);
            }
        }
    }

    /** Runs {@code step} of one member; a failure is that member's alone. */
    private static void each(NamespaceDelivery member, Step step) {
        try {
            step.on(member);
        } catch (RuntimeException e) {
            member.failed(e);
        }
    }

    private interface Step {
        void on(NamespaceDelivery member);
    }

    private Map<NamespaceDelivery, List<TopicPartition>> byMember(Collection<TopicPartition> partitions) {
        return group(partitions, p -> byTopic.get(p.topic()));
    }

    private static Map<NamespaceDelivery, List<TopicPartition>> group(
            Collection<TopicPartition> partitions, Function<TopicPartition, NamespaceDelivery> owner) {
        Map<NamespaceDelivery, List<TopicPartition>> grouped = new LinkedHashMap<>();
        for (TopicPartition p : partitions) {
            NamespaceDelivery member = owner.apply(p);
            if (member != null) {
                grouped.computeIfAbsent(member, m -> new ArrayList<>()).add(p);
            }
        }
        return grouped;
    }

    /** Called inside {@code poll} (and {@code unsubscribe}, {@code close}), on this thread. */
    private final class Rebalance implements ConsumerRebalanceListener {
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
    }

    /**
     * Rests this thread, which it owns: an interrupt (a handler's, say) is cleared, not kept, else
     * every later poll would throw at once and the loop would spin.
     */
    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            LOG.log(Level.DEBUG, "interrupted while resting; going on");
        }
    }
}
