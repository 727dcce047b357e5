package io.walgate.controller.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.WalException;
import io.walgate.controller.DeadLetterService;
import io.walgate.controller.store.DeadLetterFilter;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * Actions on a namespace's dead letters as a whole, {@code POST
 * /v1/namespaces/{name}/dead-letters:ACTION}: {@code purge} (discard what a filter matches, or
 * count it with {@code dryRun}) and {@code reindex} (rebuild the index from the DLQ). A root of its
 * own: its path is no sub-path of the dead-letter collection. The action's value arrives decoded
 * ({@code :purge}).
 */
// The colon as a regex: paths are matched before they are decoded, and clients may send it as %3A.
@Path("/v1/namespaces/{name}/dead-letters{action: (:|%3[Aa])[a-z]+}")
@Produces(MediaType.APPLICATION_JSON)
public class DeadLetterActionsResource {
    private final Operated operated;
    private final DeadLetterService service;
    private final ObjectMapper json;

    DeadLetterActionsResource(Operated operated, DeadLetterService service, ObjectMapper json) {
        this.operated = operated;
        this.service = service;
        this.json = json;
    }

    /** A body, where one is taken, is read as JSON whatever the Content-Type says. */
    @POST
    @Consumes(MediaType.WILDCARD)
    public Uni<Object> act(@PathParam("name") String name, @PathParam("action") String action, byte[] body) {
        return operated.namespace(name).chain(ns -> switch (action.substring(1)) {
            case "purge" -> purge(ns, body).map(Object.class::cast);
            case "reindex" -> service.reindex(ns.spec(), ns.caller().name()).map(Object.class::cast);
            default ->
                throw new WalException(
                        ErrorCode.MALFORMED_REQUEST, "dead letters take the actions :purge and :reindex");
        });
    }

    private Uni<PurgeResult> purge(Operated.Namespace ns, byte[] body) {
        String name = ns.spec().name();
        PurgeBody b = SpecBodies.read(json, body, PurgeBody.class, "a purge request");
        boolean dryRun = Boolean.TRUE.equals(b.dryRun());
        List<String> ids = b.entryIds() == null ? null : Params.entryIds(b.entryIds());
        DeadLetterFilter filter =
                DeadLetterResource.filter(b.region(), b.errorCode(), b.key(), b.since(), b.until(), ids);
        String reason = dryRun && b.reason() == null ? null : DeadLetterResource.reason(b.reason());
        return service.purge(name, filter, dryRun, reason, ns.caller().name(), "dead-letters.purge")
                .map(p -> new PurgeResult(dryRun, p.matched(), p.discarded(), p.notRemoved()));
    }
}
