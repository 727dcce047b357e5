package io.walgate.adapter.kafka.read;

import java.util.List;
import java.util.Map;
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
 *       a later one (its ledger only moves forward), at the latest at the next visit to every member
 *       ({@link Members#IDLE_VISIT}). Members take turns to go first, so that busy ones do not starve
 *       the others.
 *   <li>Kafka answers every {@code commitAsync} (the broker's answer, a timeout or a failure), on
 *       the consumer's thread, within a poll or a commit; this class is used on that thread only.
 * </ol>
 */
final class AsyncCommits {
    /** Unanswered commits at most: the group's own requests wait behind no more than these. */
    static final int IN_FLIGHT = 2;

    private final Consumer<byte[], byte[]> consumer;
    private int inFlight;
    private int turn;

    AsyncCommits(Consumer<byte[], byte[]> consumer) {
        this.consumer = consumer;
    }

    /** Commits what {@code members} settled, as far as the bound allows, starting from the one whose turn it is. */
    void commit(List<NamespaceDelivery> members) {
        int n = members.size();
        for (int i = 0; i < n && inFlight < IN_FLIGHT; i++) {
            NamespaceDelivery member = members.get((turn + i) % n);
            Map<TopicPartition, OffsetAndMetadata> due = member.committable();
            if (!due.isEmpty()) {
                inFlight++;
                try {
                    consumer.commitAsync(due, (offsets, failure) -> {
                        inFlight--;
                        member.commitAnswered(offsets, failure);
                    });
                } catch (RuntimeException e) {
                    inFlight--; // never sent, so never answered
                    throw e;
                }
            }
        }
        turn = n == 0 ? 0 : (turn + 1) % n;
    }

    /** Commits sent and not answered yet. */
    int inFlight() {
        return inFlight;
    }
}
