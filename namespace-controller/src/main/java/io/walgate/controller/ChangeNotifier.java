package io.walgate.controller;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Wakes long-polling change-feed requests when this controller commits a change. Changes made by
 * another controller instance are found by the readers' periodic re-query instead.
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
        CompletableFuture<Void> future = new CompletableFuture<>();
        synchronized (this) {
            if (latest > version) {
                return Uni.createFrom().voidItem();
            }
            waiting.add(future);
        }
        return Uni.createFrom()
                .completionStage(future)
                .ifNoItem()
                .after(timeout)
                .recoverWithItem((Void) null)
                .eventually(() -> {
                    synchronized (this) {
                        waiting.remove(future);
                    }
                });
    }
}
