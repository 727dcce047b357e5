package io.walgate.gateway.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.walgate.contract.Durability;
import io.walgate.contract.WalException;
import io.walgate.gateway.core.WriteFailure;
import io.walgate.gateway.core.Written;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * REST writes. The body is read and checked on the event loop (cheap, and it avoids streaming the
 * body to a blocked worker thread); {@link Writer} starts the append on a worker.
 */
@Path("/v1/namespaces/{namespace}/entries")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class EntriesResource {
    private final Writer writer;
    private final CallerResolver callers;
    private final ObjectMapper json;

    EntriesResource(Writer writer, CallerResolver callers, ObjectMapper json) {
        this.writer = writer;
        this.callers = callers;
        this.json = json;
    }

    /** Marks the answer to a repeat of an earlier durable write with the same idempotency key. */
    static final String REPEAT_HEADER = "Idempotent-Replayed";

    /**
     * One entry: 201 when durable, 200 (and {@code Idempotent-Replayed: true}) when an earlier write
     * with the same idempotency key is; otherwise problem+json with {@code durable} and the entry id.
     */
    @POST
    public CompletionStage<Response> write(
            @PathParam("namespace") String namespace, @HeaderParam("traceparent") String traceparent, byte[] body) {
        return callers.current()
                .thenCompose(caller -> writer.write(
                        Entries.toRequest(namespace, Entries.parse(json, body, EntryBody.class), ""),
                        caller,
                        traceparent))
                .thenApply(w -> w.repeat()
                        ? Response.ok(ok(w)).header(REPEAT_HEADER, "true").build()
                        : Response.status(201).entity(ok(w)).build());
    }

    /**
     * Several entries of one namespace: 200 with one result per entry, in order. A bad entry fails
     * alone; the others are written.
     */
    @POST
    @Path("batch")
    public CompletionStage<List<WriteResponse>> batch(
            @PathParam("namespace") String namespace, @HeaderParam("traceparent") String traceparent, byte[] body) {
        return callers.current().thenCompose(caller -> {
            BatchBody batch = Entries.parse(json, body, BatchBody.class);
            List<EntryBody> entries = batch.entries() == null ? List.of() : batch.entries();
            return writer.batch(
                            namespace,
                            entries.size(),
                            i -> Entries.toRequest(namespace, entries.get(i), "entries[" + i + "]"),
                            caller,
                            traceparent)
                    .thenApply(results -> results.stream()
                            .map(r -> r.written() != null ? ok(r.written()) : failed(namespace, r.failure()))
                            .toList());
        });
    }

    private static WriteResponse ok(Written w) {
        return new WriteResponse(
                Durability.TRUE, w.entryId().toString(), w.namespace(), null, null, w.repeat() ? Boolean.TRUE : null);
    }

    private static WriteResponse failed(String namespace, WalException e) {
        String id =
                e instanceof WriteFailure f && f.entryId() != null ? f.entryId().toString() : null;
        return new WriteResponse(e.durability(), id, namespace, e.code(), e.getMessage(), null);
    }
}
