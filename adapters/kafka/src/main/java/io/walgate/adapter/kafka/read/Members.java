package io.walgate.adapter.kafka.read;

import java.lang.System.Logger.Level;
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
import org.apache.kafka.common.TopicPartition;

/**
 * The namespaces of a {@link SharedConsumer}: those joining, those it polls for, and whose each
 * topic is.
 *
 * <ol>
 *   <li>{@link #add} and {@link #stopAll} may be called from any thread; everything else on the
 *       consumer's thread.
 *   <li>A joiner is admitted only once no member has its topics any more (its former self, stopped,
 *       is still draining), and one still assigned partitions of its topics goes back to their
 *       commits first: it never reads on from where another member stopped.
 *   <li>A member that stops is paused, settles what its applies finish, and leaves once none runs.
 * </ol>
 */
final class Members {
    private static final System.Logger LOG = System.getLogger(Members.class.getName());

    private final List<NamespaceDelivery> polled = new ArrayList<>();
    /** Topic → its member. */
    private final Map<String, NamespaceDelivery> byTopic = new HashMap<>();

    private final ConcurrentLinkedQueue<NamespaceDelivery> joining = new ConcurrentLinkedQueue<>();
    /** The members as last subscribed, for {@link #stopAll} from another thread. */
    private volatile List<NamespaceDelivery> published = List.of();
    /** Set by {@link #stopAll}: members that join later are stopped as they are admitted. */
    private volatile boolean stopping;

    void add(NamespaceDelivery joiner) {
        joining.add(joiner);
    }

    boolean noneJoining() {
        return joining.isEmpty();
    }

    /** Stops every member, and every one that joins from now on (each drains and leaves). */
    void stopAll() {
        stopping = true;
        joining.forEach(NamespaceDelivery::stop);
        published.forEach(NamespaceDelivery::stop); // stop() is the one thread-safe call
    }

    /** The members polled for, in the order they joined. */
    List<NamespaceDelivery> all() {
        return polled;
    }

    boolean isEmpty() {
        return polled.isEmpty();
    }

    /** Every topic of every member, to subscribe to; from now on {@link #stopAll} reaches them all. */
    Set<String> topicsToSubscribe() {
        published = List.copyOf(polled);
        return new TreeSet<>(byTopic.keySet());
    }

    /** The member that reads {@code topic}, or null. */
    NamespaceDelivery owner(String topic) {
        return byTopic.get(topic);
    }

    /** {@code partitions} by the member that reads them (those of no member left out). */
    Map<NamespaceDelivery, List<TopicPartition>> byMember(Collection<TopicPartition> partitions) {
        Map<NamespaceDelivery, List<TopicPartition>> grouped = new LinkedHashMap<>();
        for (TopicPartition p : partitions) {
            NamespaceDelivery member = byTopic.get(p.topic());
            if (member != null) {
                grouped.computeIfAbsent(member, m -> new ArrayList<>()).add(p);
            }
        }
        return grouped;
    }

    /** Admits joiners whose topics no member still has; @return whether any was admitted */
    boolean admit() {
        if (stopping) {
            polled.forEach(NamespaceDelivery::stop); // whoever was admitted as stopAll came
        }
        boolean changed = false;
        for (NamespaceDelivery joiner : List.copyOf(joining)) {
            if (joiner.topics().stream().anyMatch(byTopic::containsKey)) {
                continue; // its former self is still draining
            }
            joining.remove(joiner);
            if (stopping) {
                joiner.stop(); // stopAll came before its admission: it drains at once
            }
            polled.add(joiner);
            joiner.topics().forEach(t -> byTopic.put(t, joiner));
            if (!joiner.assigned().isEmpty()) {
                // Still assigned from a former member: read again from the commit, not from where
                // that one stopped reading.
                joiner.rewindNow();
            }
            changed = true;
        }
        return changed;
    }

    /** Members that stopped: stop reading them, and once their applies are done, close them; @return whether any left */
    boolean release(Consumer<?, ?> consumer) {
        boolean changed = false;
        for (NamespaceDelivery member : List.copyOf(polled)) {
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
                polled.remove(member);
                member.topics().forEach(byTopic::remove);
                changed = true;
            }
        }
        return changed;
    }

    /** After a failure that ends the consumer: closes every member, so that no stop waits for ever. */
    void closeAll() {
        polled.forEach(NamespaceDelivery::close);
        joining.forEach(NamespaceDelivery::close);
    }
}
