package io.walgate.adapter.kafka.read;

import io.walgate.adapter.spi.EntryHandler;
import io.walgate.adapter.spi.Verdict;
import io.walgate.contract.entry.Envelope;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;

/**
 * Applies the due entries of one poll up to {@code max} partitions at a time. Each lane has a
 * handler of its own (so a target, and a connection, of its own) and takes whole partitions, so a
 * partition's entries are still applied in log order, by one thread.
 *
 * <ol>
 *   <li>The entries of a lane's partitions go to its handler in one {@link EntryHandler#handleAll}
 *       call (one transaction where the target can), each partition's in log order.
 *   <li>The first lane runs on the calling thread, the others on the reader's apply pool, shared by
 *       every subscription of the reader (so threads stay bounded however many namespaces there
 *       are). {@link #handle} returns only when every lane is done: a handler is never used by two
 *       threads at once, and the next poll starts with every lane idle.
 *   <li>Partitions are spread by entry count, the largest first to the lane with the fewest, so a
 *       poll costs about its largest partition's apply rather than the sum.
 *   <li>Handlers are made when a lane is first needed (the first one at once, so that a namespace
 *       whose target cannot be built fails to open), and closed by {@link #close}.
 * </ol>
 */
final class Lanes implements AutoCloseable {
    private final Supplier<EntryHandler> handlers;
    private final int max;
    private final Executor pool;
    private final List<EntryHandler> made = new ArrayList<>();

    /**
     * @param handlers a new handler per call; each is closed by {@link #close}
     * @param max how many partitions may be applied at once (1: all on the calling thread)
     * @param pool runs the lanes after the first
     */
    Lanes(Supplier<EntryHandler> handlers, int max, Executor pool) {
        if (max < 1) {
            throw new IllegalArgumentException("lanes must be at least 1, not " + max);
        }
        this.handlers = handlers;
        this.max = max;
        this.pool = pool;
        made.add(handlers.get());
    }

    /** The first lane's handler: for what is applied one entry at a time, on the calling thread. */
    EntryHandler first() {
        return made.get(0);
    }

    /**
     * Applies {@code due} and answers, per partition, one verdict per entry in order.
     *
     * @param due per partition, its due entries in log order
     */
    Map<TopicPartition, List<Verdict>> handle(Map<TopicPartition, List<Envelope>> due) {
        List<List<TopicPartition>> lanes = spread(due);
        makeHandlers(lanes.size()); // every handler made before any lane starts
        List<CompletableFuture<Map<TopicPartition, List<Verdict>>>> others = new ArrayList<>();
        for (int l = 1; l < lanes.size(); l++) {
            EntryHandler handler = made.get(l);
            List<TopicPartition> partitions = lanes.get(l);
            others.add(CompletableFuture.supplyAsync(() -> apply(handler, partitions, due), pool));
        }
        Map<TopicPartition, List<Verdict>> verdicts = new HashMap<>();
        RuntimeException failure = null;
        if (!lanes.isEmpty()) {
            try {
                verdicts.putAll(apply(first(), lanes.get(0), due));
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        // Every lane is waited for, even after one failed: its handler must be idle before the
        // next poll, and what it applied is settled by the caller's next read either way.
        for (var lane : others) {
            try {
                verdicts.putAll(lane.join());
            } catch (CompletionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException r ? r : e;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return verdicts;
    }

    /** The partitions with entries, in at most {@code max} lanes of about equal entry counts. */
    private List<List<TopicPartition>> spread(Map<TopicPartition, List<Envelope>> due) {
        List<TopicPartition> partitions = due.entrySet().stream()
                .filter(e -> !e.getValue().isEmpty())
                .sorted(Comparator.comparingInt((Map.Entry<TopicPartition, List<Envelope>> e) ->
                                e.getValue().size())
                        .reversed())
                .map(Map.Entry::getKey)
                .toList();
        int count = Math.min(max, partitions.size());
        List<List<TopicPartition>> lanes = new ArrayList<>(count);
        int[] load = new int[count];
        for (int l = 0; l < count; l++) {
            lanes.add(new ArrayList<>());
        }
        for (TopicPartition p : partitions) {
            int lightest = 0;
            for (int l = 1; l < count; l++) {
                if (load[l] < load[lightest]) {
                    lightest = l;
                }
            }
            lanes.get(lightest).add(p);
            load[lightest] += due.get(p).size();
        }
        return lanes;
    }

    private static Map<TopicPartition, List<Verdict>> apply(
            EntryHandler handler, List<TopicPartition> partitions, Map<TopicPartition, List<Envelope>> due) {
        List<Envelope> entries = new ArrayList<>();
        partitions.forEach(p -> entries.addAll(due.get(p)));
        List<Verdict> all = handler.handleAll(entries);
        Map<TopicPartition, List<Verdict>> verdicts = new HashMap<>();
        int from = 0;
        for (TopicPartition p : partitions) {
            int to = from + due.get(p).size();
            verdicts.put(p, all.subList(from, to));
            from = to;
        }
        return verdicts;
    }

    private void makeHandlers(int count) {
        while (made.size() < count) {
            made.add(handlers.get());
        }
    }

    /** Closes every handler made, each whatever the one before threw. */
    @Override
    public void close() {
        RuntimeException first = null;
        for (EntryHandler h : made) {
            try {
                h.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
