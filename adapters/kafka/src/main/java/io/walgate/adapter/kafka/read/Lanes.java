package io.walgate.adapter.kafka.read;

import io.walgate.adapter.spi.EntryHandler;
import io.walgate.adapter.spi.Verdict;
import io.walgate.contract.entry.Envelope;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Up to {@code max} applies of one subscription at a time, each on a lane with a handler of its
 * own (so a target, and a connection, of its own), run on the reader's apply pool while the
 * delivery thread goes on polling. A lane takes one partition's due entries of one poll.
 *
 * <ol>
 *   <li>Called on the delivery's thread only; only the applies themselves run on the pool.
 *   <li>A handler is used by one lane at a time: it goes back to the idle ones only when the
 *       delivery thread {@link #finish finishes} its lane, after the apply is done.
 *   <li>The pool is shared by every subscription of the reader, so threads stay bounded however
 *       many namespaces there are; a lane waits in the pool's queue when every thread is busy.
 *   <li>Handlers are made when a lane is first needed (the first one at once, so that a namespace
 *       whose target cannot be built fails to open), and closed by {@link #close}.
 *   <li>{@link #first()} is for what is applied one entry at a time on the delivery thread (ordering
 *       {@code KEY}); a subscription uses either it or lanes, never both.
 * </ol>
 */
final class Lanes implements AutoCloseable {
    private final Supplier<EntryHandler> handlers;
    private final int max;
    private final Executor pool;
    private final List<EntryHandler> made = new ArrayList<>();
    private final Deque<EntryHandler> idle = new ArrayDeque<>();

    /** An apply under way, and the handler it holds. */
    record Lane(EntryHandler handler, CompletableFuture<List<Verdict>> verdicts) {
        boolean done() {
            return verdicts.isDone();
        }
    }

    /**
     * @param handlers a new handler per call; each is closed by {@link #close}
     * @param max how many applies may run at once
     * @param pool runs the applies
     */
    Lanes(Supplier<EntryHandler> handlers, int max, Executor pool) {
        if (max < 1) {
            throw new IllegalArgumentException("lanes must be at least 1, not " + max);
        }
        this.handlers = handlers;
        this.max = max;
        this.pool = pool;
        made.add(handlers.get());
        idle.add(made.get(0));
    }

    /** The first handler, for applies one entry at a time on the calling thread. */
    EntryHandler first() {
        return made.get(0);
    }

    /** Whether a lane can start now. */
    boolean hasFree() {
        return !idle.isEmpty() || made.size() < max;
    }

    /** How many lanes are applying or not finished yet. */
    int busy() {
        return made.size() - idle.size();
    }

    /**
     * Starts applying {@code entries} (in order, one {@link EntryHandler#handleAll} call) on a free
     * lane; only when {@link #hasFree()}.
     */
    Lane start(List<Envelope> entries) {
        if (!hasFree()) {
            throw new IllegalStateException("every lane is busy");
        }
        if (idle.isEmpty()) {
            EntryHandler fresh = handlers.get();
            made.add(fresh);
            idle.add(fresh);
        }
        EntryHandler handler = idle.poll();
        try {
            return new Lane(handler, CompletableFuture.supplyAsync(() -> handler.handleAll(entries), pool));
        } catch (RuntimeException e) {
            idle.add(handler); // the pool refused it: nothing started
            throw e;
        }
    }

    /**
     * Waits for {@code lane} to be done and frees it.
     *
     * @return its verdicts, one per entry in order
     * @throws RuntimeException what the handler threw (a handler must not; see {@link EntryHandler})
     */
    List<Verdict> finish(Lane lane) {
        try {
            return lane.verdicts().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        } finally {
            idle.add(lane.handler());
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
