package io.walgate.adapter.kafka.read;

import static io.walgate.adapter.kafka.read.Members.each;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.NoOffsetForPartitionException;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;

/**
 * What a failed poll of a {@link SharedConsumer} means for its members.
 *
 * <ol>
 *   <li>A failure about some partitions is their members' alone: partitions the group never
 *       committed are placed by their member, positions no longer in the log skip what was lost
 *       (reported), topics a member may not read rewind that member a second later.
 *   <li>Any other failure is the consumer's: every member goes back to its commit a second later.
 *   <li>Used on the shared consumer's thread; it says how long that thread rests before polling again.
 * </ol>
 */
final class FailedPolls {
    private static final System.Logger LOG = System.getLogger(FailedPolls.class.getName());

    private final String name;
    private final Consumer<byte[], byte[]> consumer;
    private final Members members;

    FailedPolls(String name, Consumer<byte[], byte[]> consumer, Members members) {
        this.name = name;
        this.consumer = consumer;
        this.members = members;
    }

    /** Hands {@code failure} of a poll to the members it concerns; @return how long to rest (maybe zero) */
    Duration handle(RuntimeException failure) {
        if (failure instanceof NoOffsetForPartitionException e) {
            // Partitions the group never committed: where each starts is its member's to say.
            members.byMember(e.partitions()).forEach((member, its) -> each(member, m -> m.startFresh(its)));
            List<TopicPartition> unowned = e.partitions().stream()
                    .filter(p -> members.owner(p) == null)
                    .toList();
            if (!unowned.isEmpty()) {
                consumer.seekToBeginning(unowned); // no member's: about to be revoked, never delivered
            }
            return Duration.ZERO;
        }
        if (failure instanceof OffsetOutOfRangeException e) {
            Map<TopicPartition, Long> positions = e.offsetOutOfRangePartitions();
            members.byMember(positions.keySet())
                    .forEach((member, its) -> each(member, m -> {
                        Map<TopicPartition, Long> mine = new HashMap<>();
                        its.forEach(p -> mine.put(p, positions.get(p)));
                        m.skipLost(mine);
                    }));
            return Duration.ZERO;
        }
        if (failure instanceof TopicAuthorizationException e) {
            // Some namespaces' topics may not be read (their ACLs): those go back to their commits
            // and try again later; the others are polled on.
            Set<String> denied = e.unauthorizedTopics();
            List<NamespaceDelivery> owners = members.all().stream()
                    .filter(m -> m.topics().stream().anyMatch(denied::contains))
                    .toList();
            LOG.log(Level.WARNING, name + " may not read " + denied + ": " + e.getMessage());
            owners.forEach(m -> m.rewindLater(e));
            return owners.size() == members.all().size() ? NamespaceDelivery.AGAIN_AFTER : Duration.ZERO;
        }
        // The consumer itself failed: every member goes back to its commit, a second later.
        LOG.log(
                Level.WARNING,
                name + " failed to poll for " + members.all().size() + " namespaces; each goes back to its last"
                        + " commit in " + NamespaceDelivery.AGAIN_AFTER.toSeconds() + " s: " + failure,
                failure);
        members.all().forEach(m -> m.rewindLater(failure));
        return NamespaceDelivery.AGAIN_AFTER;
    }
}
