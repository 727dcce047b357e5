package io.walgate.gateway.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.walgate.contract.Durability;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.Violation;
import io.walgate.contract.WalException;
import io.walgate.contract.entry.MutationRequest;
import io.walgate.contract.entry.WriteRequest;
import io.walgate.gateway.core.Mutated;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * REST mutations ({@code MutateItems}): a set of writes that all take effect. The body is read and
 * checked on the event loop; {@link Writer} stores and logs it on a worker.
 */
@Path("/v1/namespaces/{namespace}/mutations")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class MutationsResource {
    private final Writer writer;
    private final CallerResolver callers;
    private final ObjectMapper json;

    MutationsResource(Writer writer, CallerResolver callers, ObjectMapper json) {
        this.writer = writer;
        this.callers = callers;
        this.json = json;
    }

    /**
     * 201 when durable, 200 (and {@code Idempotent-Replayed: true}) when an earlier call with the
     * same idempotency key made it durable; otherwise problem+json with {@code durable} and, once
     * issued, the mutation id as {@code entryId}.
     */
    @POST
    public CompletionStage<Response> mutate(
            @PathParam("namespace") String namespace, @HeaderParam("traceparent") String traceparent, byte[] body) {
        return callers.current()
                .thenCompose(caller -> writer.mutate(
                        toRequest(namespace, Entries.parse(json, body, MutationBody.class)), caller, traceparent))
                .thenApply(m -> m.repeat()
                        ? Response.ok(ok(m))
                                .header(EntriesResource.REPEAT_HEADER, "true")
                                .build()
                        : Response.status(201).entity(ok(m)).build());
    }

    /** The mutation's state, its applied count and each region's progress; 404 MUTATION_NOT_FOUND. */
    @GET
    @Path("{id}")
    public CompletionStage<MutationStatusBody> status(
            @PathParam("namespace") String namespace, @PathParam("id") String id) {
        return callers.current()
                .thenCompose(caller -> writer.progress(namespace, id, caller))
                .thenApply(MutationStatusBody::of);
    }

    static MutationRequest toRequest(String namespace, MutationBody body) {
        if (body.items() == null) {
            throw WalException.invalid(
                    List.of(new Violation("items", ErrorCode.EMPTY_MUTATION, "a mutation needs at least one item")));
        }
        List<WriteRequest> items = new ArrayList<>(body.items().size());
        for (int i = 0; i < body.items().size(); i++) {
            MutationBody.Item item = body.items().get(i);
            items.add(Entries.toRequest(namespace, item == null ? null : item.asEntry(), "items[" + i + "]"));
        }
        return new MutationRequest(
                namespace, items, Entries.lifecycle(body.lifecycle()), body.idempotencyKey(), body.headers());
    }

    private static MutationResponse ok(Mutated m) {
        return new MutationResponse(
                Durability.TRUE,
                m.mutationId().toString(),
                m.namespace(),
                m.itemCount(),
                m.repeat() ? Boolean.TRUE : null);
    }
}
