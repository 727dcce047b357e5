package io.walgate.adapter.kafka.read;

import io.walgate.adapter.spi.EntryHandler;
import io.walgate.adapter.spi.Verdict;
import io.walgate.contract.entry.Envelope;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 *   <li>One lane at a time runs on the subscription's own apply thread, so a namespace always
 *       makes progress whatever the others do; further lanes run on the pool shared by every
 *       subscription of the reader (bounded however many namespaces there are), and wait in its
 *       queue when every thread of it is busy.
 *   <li>Handlers are made when a lane is first needed (the first one at once, so that a namespace
 *       whose target cannot be built fails to open), and closed by {@link #close}, which first waits
 *       (up to {@link #CLOSE_WAIT}) for applies still running: a handler is never closed under one.
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
    private final Executor own;
    private boolean ownBusy;
    private final Set<Lane> running = new HashSet<>();

    /** How long {@link #close} waits for applies still running. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

    /** An apply under way, the handler it holds, and whether it runs on the subscription's own thread. */
    record Lane(EntryHandler handler, CompletableFuture<List<Verdict>> verdicts, boolean onOwnThread) {
        boolean done() {
            return verdicts.isDone();
        }
    }

    /**
     * @param handlers a new handler per call; each is closed by {@link #close}
     * @param max how many applies may run at once
     * @param own the subscription's own apply thread, one lane at a time (shut down by {@link
     *     #close} if it is an {@link ExecutorService})
     * @param pool runs the applies beyond the one on {@code own}
     */
    Lanes(Supplier<EntryHandler> handlers, int max, Executor own, Executor pool) {
        if (max < 1) {
            throw new IllegalArgumentException("lanes must be at least 1, not " + max);
        }
        this.handlers = handlers;
        this.max = max;
        this.pool = pool;
        made.add(handlers.get());
        idle.add(made.get(0));
        this.own = own;
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
        return running.size();
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
        boolean onOwnThread = !ownBusy;
        try {
            Lane lane = new Lane(
                    handler,
                    CompletableFuture.supplyAsync(() -> handler.handleAll(entries), onOwnThread ? own : pool),
                    onOwnThread);
            ownBusy |= onOwnThread;
            running.add(lane);
            return lane;
        } catch (RuntimeException e) {
            idle.add(handler); // the executor refused it: nothing started
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
            if (running.remove(lane)) {
                idle.add(lane.handler());
                ownBusy &= !lane.onOwnThread();
            }
        }
    }

    /**
     * Waits for applies still running (a lane abandoned by a failure), then closes every handler
     * made, each whatever the one before threw, and the subscription's own apply thread.
     */
    @Override
    public void close() {
        try {
            CompletableFuture.allOf(running.stream().map(Lane::verdicts).toArray(CompletableFuture[]::new))
                    .get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // a failed apply is done; one that outlived the wait is closed under, as a last resort
        }
        if (own instanceof ExecutorService service) {
            service.shutdown();
        }
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
