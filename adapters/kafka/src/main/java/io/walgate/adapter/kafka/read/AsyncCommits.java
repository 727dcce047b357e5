package io.walgate.adapter.kafka.read;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A shared consumer's commits that go without waiting: one per member that settled something, and
 * at most {@link #IN_FLIGHT} unanswered at a time.
 *
 * <ol>
 *   <li>Why a bound: a broker serves one request of a connection at a time, and the group
 *       coordinator takes a few milliseconds per commit (it lingers to batch its writes). A commit
 *       after every poll (every few milliseconds while applies run) queued up faster than the
 *       coordinator answered, and the group's own requests on that connection waited behind the
 *       queue: a JoinGroup sent 8.6 s after the consumer asked for it (24 s in another run), so a
 *       new namespace waited that long for its partitions; a heartbeat waiting past the session
 *       timeout gets the consumer evicted from its group.
 *   <li>Nothing is lost by waiting: a member whose commit cannot go now offers what it settled with
 *       a later one (its ledger only moves forward). It is owed a turn: at the next commit, owed
 *       members go first, in the order they were turned away, whether or not that poll attends to
 *       them, so a busy member never starves another (and a member whose commits stop for a minute
 *       is reported stalled).
 *   <li>Kafka answers every {@code commitAsync} (the broker's answer, a timeout or a failure), on
 *       the consumer's thread, within a poll or a commit; this class is used on that thread only. A
 *       commit is released once, by its answer or by the call that failed to send it, whichever
 *       comes first.
 * </ol>
 */
final class AsyncCommits {
    /** Unanswered commits at most: the group's own requests wait behind no more than these. */
    static final int IN_FLIGHT = 2;

    private final Consumer<byte[], byte[]> consumer;
    private final Set<NamespaceDelivery> owed = new LinkedHashSet<>();
    private int inFlight;

    AsyncCommits(Consumer<byte[], byte[]> consumer) {
        this.consumer = consumer;
    }

    /** Commits what the owed members, then {@code attended}, settled, as far as the bound allows. */
    void commit(List<NamespaceDelivery> attended) {
        owed.removeIf(m -> !m.running()); // a stopping member commits, and waits, as it is drained
        List<NamespaceDelivery> turns = new ArrayList<>(owed);
        for (NamespaceDelivery member : attended) {
            if (!owed.contains(member)) {
                turns.add(member);
            }
        }
        for (NamespaceDelivery member : turns) {
            if (inFlight >= IN_FLIGHT) {
                owed.add(member);
                continue;
            }
            owed.remove(member);
            Map<TopicPartition, OffsetAndMetadata> due = member.committable();
            if (!due.isEmpty()) {
                send(member, due);
            }
        }
    }

    private void send(NamespaceDelivery member, Map<TopicPartition, OffsetAndMetadata> due) {
        boolean[] released = {false};
        Runnable release = () -> {
            if (!released[0]) {
                released[0] = true;
                inFlight--;
            }
        };
        inFlight++;
        try {
            consumer.commitAsync(due, (offsets, failure) -> {
                release.run();
                member.commitAnswered(offsets, failure);
            });
        } catch (RuntimeException e) {
            // Perhaps sent (the call polls the network after queuing it), perhaps not: offered again
            // either way, and an answer that still comes only moves the ledger forward.
            release.run();
            member.commitAnswered(due, e);
            throw e;
        }
    }
}
