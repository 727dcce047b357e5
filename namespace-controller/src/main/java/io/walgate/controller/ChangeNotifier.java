package io.walgate.controller;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Wakes long-polling change-feed requests when this controller commits a change. Changes made by
 * another controller instance are found by the readers' periodic re-query instead.
 *
 * <ol>
 *   <li>A waiter resumes on the Vert.x context it started waiting on, never on the publishing
 *       request's or a timer thread: Hibernate Reactive keeps a request's session on its context,
 *       so a reader resumed elsewhere would query through another request's (closing) session.
 *   <li>A waiter resumes at the latest after its timeout, with no item either way: it re-reads the
 *       feed to learn what changed.
 * </ol>
 */
@ApplicationScoped
public class ChangeNotifier {
    private final List<CompletableFuture<Void>> waiting = new ArrayList<>();
    private long latest;

    /** A change with this version has committed. */
    public void published(long version) {
        List<CompletableFuture<Void>> wake;
        synchronized (this) {
            latest = Math.max(latest, version);
            wake = new ArrayList<>(waiting);
            waiting.clear();
        }
        wake.forEach(f -> f.complete(null));
    }

    /** Completes when a change after {@code version} is published here, or after {@code timeout}. */
    public Uni<Void> awaitAfter(long version, Duration timeout) {
        Executor home = homeOfCaller();
        CompletableFuture<Void> future = new CompletableFuture<>();
        synchronized (this) {
            if (latest > version) {
                return Uni.createFrom().voidItem();
            }
            waiting.add(future);
        }
        Uni<Void> woken = Uni.createFrom()
                .completionStage(future)
                .ifNoItem()
                .after(timeout)
                .recoverWithItem((Void) null)
                .eventually(() -> {
                    synchronized (this) {
                        waiting.remove(future);
                    }
                });
        return home == null ? woken : woken.emitOn(home);
    }

    /** The caller's Vert.x context as an executor; null off Vert.x (a plain thread needs no hop). */
    private static Executor homeOfCaller() {
        Context context = Vertx.currentContext();
        if (context == null) {
            return null;
        }
        return task -> context.runOnContext(ignored -> task.run());
    }
}
