package io.walgate.gateway.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.walgate.contract.Durability;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.WalException;
import io.walgate.contract.entry.WriteRequest;
import io.walgate.gateway.GatewayConfig;
import io.walgate.gateway.core.Caller;
import io.walgate.gateway.core.WriteFailure;
import io.walgate.gateway.core.WriteService;
import io.walgate.gateway.core.Written;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * REST writes. The body is read and checked on the event loop (cheap, and it avoids streaming the
 * body to a blocked worker thread); the append itself is started on a worker thread, because a
 * Kafka producer may block while it fetches metadata for a topic it has not seen, and that must
 * never stall the event loop.
 */
@Path("/v1/namespaces/{namespace}/entries")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class EntriesResource {
    private final WriteService writes;
    private final CallerResolver callers;
    private final ObjectMapper json;
    private final GatewayConfig config;
    private final WriteMetrics metrics;

    EntriesResource(
            WriteService writes,
            CallerResolver callers,
            ObjectMapper json,
            GatewayConfig config,
            WriteMetrics metrics) {
        this.writes = writes;
        this.callers = callers;
        this.json = json;
        this.config = config;
        this.metrics = metrics;
    }

    /** One entry: 201 when durable; otherwise problem+json with {@code durable} and the entry id. */
    @POST
    public CompletionStage<Response> write(
            @PathParam("namespace") String namespace, @HeaderParam("traceparent") String traceparent, String body) {
        long start = System.nanoTime();
        int[] bytes = {0};
        return callers.current()
                .thenCompose(caller -> {
                    WriteRequest request = Entries.toRequest(namespace, Entries.parse(json, body, EntryBody.class), "");
                    bytes[0] = request.payload().length;
                    return onWorker(() -> writes.write(request, caller, traceparent));
                })
                .whenComplete((w, e) -> metrics.record(namespace, start, bytes[0], e))
                .thenApply(w -> Response.status(201)
                        .entity(new WriteResponse(Durability.TRUE, w.entryId().toString(), w.namespace(), null, null))
                        .build());
    }

    /**
     * Several entries of one namespace: 200 with one result per entry, in order. A bad entry fails
     * alone; the others are written.
     */
    @POST
    @Path("batch")
    public CompletionStage<List<WriteResponse>> batch(
            @PathParam("namespace") String namespace, @HeaderParam("traceparent") String traceparent, String body) {
        return callers.current().thenCompose(caller -> batch(namespace, traceparent, body, caller));
    }

    private CompletionStage<List<WriteResponse>> batch(
            String namespace, String traceparent, String body, Caller caller) {
        BatchBody batch = Entries.parse(json, body, BatchBody.class);
        if (batch.entries() == null || batch.entries().isEmpty()) {
            throw new WalException(ErrorCode.MISSING_FIELD, "entries: a batch needs at least one entry");
        }
        if (batch.entries().size() > config.maxBatchEntries()) {
            throw new WalException(
                    ErrorCode.BATCH_TOO_LARGE,
                    batch.entries().size() + " entries; a batch holds at most " + config.maxBatchEntries());
        }
        List<CompletableFuture<WriteResponse>> results = new ArrayList<>();
        for (int i = 0; i < batch.entries().size(); i++) {
            CompletableFuture<WriteResponse> result;
            long start = System.nanoTime();
            try {
                WriteRequest request =
                        Entries.toRequest(namespace, batch.entries().get(i), "entries[" + i + "]");
                result = onWorker(() -> writes.write(request, caller, traceparent))
                        .whenComplete((w, e) -> metrics.record(namespace, start, request.payload().length, e))
                        .thenApply(EntriesResource::ok)
                        .exceptionally(e -> failed(namespace, e))
                        .toCompletableFuture();
            } catch (WalException e) {
                metrics.record(namespace, start, 0, e);
                result = CompletableFuture.completedFuture(failed(namespace, e));
            }
            results.add(result);
        }
        return CompletableFuture.allOf(results.toArray(new CompletableFuture[0]))
                .thenApply(done -> results.stream().map(CompletableFuture::join).toList());
    }

    /** Starts a write on a worker thread; the stage completes when the backend answers. */
    private static CompletionStage<Written> onWorker(java.util.function.Supplier<CompletionStage<Written>> write) {
        return CompletableFuture.supplyAsync(write, Infrastructure.getDefaultWorkerPool())
                .thenCompose(stage -> stage);
    }

    private static WriteResponse ok(Written w) {
        return new WriteResponse(Durability.TRUE, w.entryId().toString(), w.namespace(), null, null);
    }

    private static WriteResponse failed(String namespace, Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (e instanceof WalException w) {
            String id = w instanceof WriteFailure f && f.entryId() != null
                    ? f.entryId().toString()
                    : null;
            return new WriteResponse(w.durability(), id, namespace, w.code(), w.getMessage());
        }
        return new WriteResponse(Durability.UNKNOWN, null, namespace, ErrorCode.INTERNAL, "internal error");
    }
}
