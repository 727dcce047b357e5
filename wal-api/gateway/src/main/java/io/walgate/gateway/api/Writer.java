package io.walgate.gateway.api;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.walgate.contract.Durability;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.WalException;
import io.walgate.contract.entry.MutationRequest;
import io.walgate.contract.entry.WriteRequest;
import io.walgate.contract.namespace.Caller;
import io.walgate.gateway.GatewayConfig;
import io.walgate.gateway.core.Mutated;
import io.walgate.gateway.core.MutationService;
import io.walgate.gateway.core.MutationStore.MutationProgress;
import io.walgate.gateway.core.WriteService;
import io.walgate.gateway.core.Written;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.IntFunction;

/**
 * What REST and gRPC share once a request is decoded: the hop to a worker thread, metrics, and the
 * batch rules. The append is started on a worker because a Kafka producer may block while it
 * fetches metadata for a topic it has not seen, and that must never stall an event loop.
 */
@ApplicationScoped
public class Writer {
    private final WriteService writes;
    private final MutationService mutations;
    private final WriteMetrics metrics;
    private final int maxBatchEntries;

    Writer(WriteService writes, MutationService mutations, WriteMetrics metrics, GatewayConfig config) {
        this.writes = writes;
        this.mutations = mutations;
        this.metrics = metrics;
        this.maxBatchEntries = config.maxBatchEntries();
    }

    /** One entry; fails with a {@link WalException}, possibly inside a CompletionException. */
    public CompletionStage<Written> write(WriteRequest request, Caller caller, String traceparent) {
        long start = System.nanoTime();
        return CompletableFuture.supplyAsync(
                        () -> writes.write(request, caller, traceparent), Infrastructure.getDefaultWorkerPool())
                .thenCompose(stage -> stage)
                .whenComplete((w, e) -> finished(request, traceparent, start, e));
    }

    /** One mutation; fails with a {@link WalException}, possibly inside a CompletionException. */
    public CompletionStage<Mutated> mutate(MutationRequest request, Caller caller, String traceparent) {
        long start = System.nanoTime();
        return CompletableFuture.supplyAsync(
                        () -> mutations.mutate(request, caller, traceparent), Infrastructure.getDefaultWorkerPool())
                .thenCompose(stage -> stage)
                .whenComplete((m, e) -> {
                    metrics.recordMutation(
                            request.namespace(), start, request.items().size(), e);
                    if (e != null) {
                        WriteLog.failed(request.namespace(), traceparent, asWalException(e));
                    }
                });
    }

    /** How far a mutation got; never blocks. */
    public CompletionStage<MutationProgress> progress(String namespace, String mutationId, Caller caller) {
        return mutations.progress(namespace, mutationId, caller);
    }

    private void finished(WriteRequest request, String traceparent, long start, Throwable error) {
        metrics.record(request.namespace(), start, request.payload().length, error);
        if (error != null) {
            WriteLog.failed(request.namespace(), traceparent, asWalException(error));
        }
    }

    /**
     * Entries of one namespace, each written on its own: a bad or failed entry fails alone.
     *
     * @param decode turns entry {@code i} into a request, or throws a {@link WalException} that
     *     becomes that entry's result
     * @return one result per entry, in order
     */
    public CompletionStage<List<Result>> batch(
            String namespace, int count, IntFunction<WriteRequest> decode, Caller caller, String traceparent) {
        if (count == 0) {
            throw new WalException(ErrorCode.MISSING_FIELD, "entries: a batch needs at least one entry");
        }
        if (count > maxBatchEntries) {
            throw new WalException(
                    ErrorCode.BATCH_TOO_LARGE, count + " entries; a batch holds at most " + maxBatchEntries);
        }
        // Decode here (on the event loop), then start every append from one worker task: one
        // thread hand-off per batch, not per entry.
        long start = System.nanoTime();
        WriteRequest[] requests = new WriteRequest[count];
        Result[] refused = new Result[count];
        for (int i = 0; i < count; i++) {
            try {
                requests[i] = decode.apply(i);
            } catch (WalException e) {
                metrics.record(namespace, start, 0, e);
                refused[i] = new Result(null, e);
            }
        }
        return CompletableFuture.supplyAsync(
                        () -> {
                            List<CompletableFuture<Result>> results = new ArrayList<>(count);
                            for (int i = 0; i < count; i++) {
                                results.add(
                                        refused[i] != null
                                                ? CompletableFuture.completedFuture(refused[i])
                                                : started(requests[i], caller, traceparent));
                            }
                            return results;
                        },
                        Infrastructure.getDefaultWorkerPool())
                .thenCompose(results -> CompletableFuture.allOf(results.toArray(new CompletableFuture[0]))
                        .thenApply(done ->
                                results.stream().map(CompletableFuture::join).toList()));
    }

    /** Starts one append on the calling (worker) thread. */
    private CompletableFuture<Result> started(WriteRequest request, Caller caller, String traceparent) {
        long start = System.nanoTime();
        CompletionStage<Written> write;
        try {
            write = writes.write(request, caller, traceparent);
        } catch (RuntimeException e) {
            write = CompletableFuture.failedFuture(e);
        }
        return write.whenComplete((w, e) -> finished(request, traceparent, start, e))
                .handle(Result::of)
                .toCompletableFuture();
    }

    /** One entry's outcome: exactly one of {@code written} and {@code failure} is set. */
    public record Result(Written written, WalException failure) {
        static Result of(Written written, Throwable error) {
            if (error == null) {
                return new Result(written, null);
            }
            return new Result(null, asWalException(error));
        }
    }

    /** The Walgate error behind a failed stage; anything else is an internal error of unknown outcome. */
    public static WalException asWalException(Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (e instanceof WalException w) {
            return w;
        }
        Log.error("a write failed unexpectedly", e);
        return new WalException(
                ErrorCode.INTERNAL, "internal error; the gateway's log has the details", Durability.UNKNOWN, e);
    }
}
