package io.walgate.adapter.kafka.read;

import static io.walgate.adapter.kafka.read.Members.each;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

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
 *       NamespaceDelivery#AGAIN_AFTER} later. Commits go without waiting ({@link AsyncCommits}, a few at a time);
 *       partitions that go to another owner are first settled and committed with a wait.
 *   <li>When its last member has left and no other is joining, it ends: it leaves the group and
 *       closes the consumer. {@link #join} then answers false, and the reader makes another.
 * </ol>
 */
final class SharedConsumer implements Runnable {
    private static final System.Logger LOG = System.getLogger(SharedConsumer.class.getName());
    static final Duration MAX_POLL = Duration.ofMillis(200);
    /** How often a consumer with no member looks again at those joining. */
    private static final Duration WAIT_FOR_JOINERS = Duration.ofMillis(20);

    private final String name;
    private final Consumer<byte[], byte[]> consumer;
    private final Members members;
    private final FailedPolls failedPolls;
    private final AsyncCommits commits;

    private boolean ended;
    private Thread thread;
    /** Members changed and the subscription does not show it yet (it failed, say). */
    private boolean resubscribeDue;

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
        this.members = new Members(consumer, clock);
        this.failedPolls = new FailedPolls(name, consumer, members);
        this.commits = new AsyncCommits(consumer);
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
        members.add(member);
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
        members.stopAll();
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
                    resubscribeDue |= members.admit();
                    resubscribeDue |= members.release();
                    if (resubscribeDue) {
                        resubscribe();
                        resubscribeDue = false;
                    }
                    if (members.isEmpty()) {
                        if (endIfNoneJoining()) {
                            return;
                        }
                        sleep(WAIT_FOR_JOINERS); // they wait for their topics to exist: do not spin
                        continue;
                    }
                    pollOnce();
                } catch (RuntimeException e) {
                    // Not expected (members catch their own failures, the poll is caught): never
                    // let the thread die with namespaces that would silently stop being delivered.
                    LOG.log(Level.ERROR, name + " failed; its namespaces go back to their last commits: " + e, e);
                    for (NamespaceDelivery m : members.all()) {
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
            members.closeAll();
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
        if (members.noneJoining()) {
            ended = true;
            return true;
        }
        return false;
    }

    private void resubscribe() {
        Set<String> topics = members.subscription();
        if (topics.isEmpty()) {
            consumer.unsubscribe();
        } else {
            consumer.subscribe(topics, members.rebalanceListener());
        }
    }

    private void pollOnce() {
        Duration timeout = MAX_POLL;
        List<NamespaceDelivery> rewinding = new ArrayList<>();
        for (NamespaceDelivery member : members.all()) {
            if (member.rewindDue()) {
                rewinding.add(member);
            }
        }
        rewind(rewinding);
        if (quietTiers != null) {
            quietTiers.beforePoll(members::owner);
            timeout = quietTiers.pollTimeout(timeout);
        }
        List<NamespaceDelivery> attended = members.attended();
        Duration untilIdleVisit = members.untilIdleVisit();
        timeout = untilIdleVisit.compareTo(timeout) < 0 ? untilIdleVisit : timeout;
        for (NamespaceDelivery member : attended) {
            each(member, NamespaceDelivery::beforePoll);
            Duration its = member.pollTimeout(MAX_POLL);
            timeout = its.compareTo(timeout) < 0 ? its : timeout;
        }
        ConsumerRecords<byte[], byte[]> records;
        try {
            records = consumer.poll(timeout);
        } catch (RuntimeException e) {
            sleep(failedPolls.handle(e));
            return;
        }
        Map<NamespaceDelivery, Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>>> shares = new HashMap<>();
        for (TopicPartition p : records.partitions()) {
            NamespaceDelivery member = members.owner(p);
            if (member != null) {
                shares.computeIfAbsent(member, m -> new LinkedHashMap<>()).put(p, records.records(p));
            }
        }
        if (attended != members.all()) {
            Set<NamespaceDelivery> already = new HashSet<>(attended);
            shares.keySet().stream().filter(m -> !already.contains(m)).forEach(attended::add);
        }
        for (NamespaceDelivery member : attended) {
            var share = shares.getOrDefault(member, Map.of());
            each(
                    member,
                    m -> m.deliver(share.isEmpty() ? ConsumerRecords.empty() : new ConsumerRecords<>(share, Map.of())));
        }
        // Without waiting for the broker: the next poll (and its fetch) goes on meanwhile. A commit
        // lost with a crash costs a redelivery, which the targets apply idempotently.
        commits.commit(attended);
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
     * Rests this thread, which it owns: an interrupt (a handler's, say) is cleared, not kept, else
     * every later poll would throw at once and the loop would spin.
     */
    private static void sleep(Duration d) {
        if (d.isZero()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            LOG.log(Level.DEBUG, "interrupted while resting; going on");
        }
    }
}
