package io.walgate.controller.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.WalException;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.controller.replay.ReplayService;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Repairs a target from the log: {@code POST /v1/namespaces/{name}/log-replays} starts a job that
 * applies again to one region's target the entries a Kafka log holds between two times, skipping
 * the ones named (docs/operations.md). The job is then one of the namespace's replays.
 */
@Path("/v1/namespaces/{name}/log-replays")
@Produces(MediaType.APPLICATION_JSON)
public class LogReplayResource {
    private final Operated operated;
    private final ReplayService service;
    private final ReplayViews views;
    private final ObjectMapper json;

    LogReplayResource(Operated operated, ReplayService service, ReplayViews views, ObjectMapper json) {
        this.operated = operated;
        this.service = service;
        this.views = views;
        this.json = json;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    public Uni<Response> start(@PathParam("name") String name, byte[] body) {
        return operated.namespace(name).chain(ns -> {
            LogReplayBody b = SpecBodies.read(json, body, LogReplayBody.class, "a log replay request");
            Instant from = required("from", b.from());
            Instant to = required("to", b.to());
            String region = region(ns.spec(), b.region());
            List<String> skip = b.skip() == null ? List.of() : Params.entryIds(b.skip());
            int rate = service.rate(b.ratePerSecond());
            return service.replayLog(
                            ns.row(),
                            ns.spec(),
                            from,
                            to,
                            region,
                            skip,
                            rate,
                            Boolean.TRUE.equals(b.dryRun()),
                            ns.caller().name())
                    .map(views::started);
        });
    }

    private static Instant required(String field, String value) {
        if (value == null) {
            throw new WalException(ErrorCode.MISSING_FIELD, field + " is required (an ISO-8601 instant)");
        }
        return Params.instant(field, value);
    }

    /** The region asked for, which must be one of the namespace's; the only one when none is asked for. */
    private static String region(NamespaceSpec spec, String asked) {
        Set<String> regions = spec.target().regions().keySet();
        if (asked == null) {
            if (regions.size() != 1) {
                throw new WalException(
                        ErrorCode.MISSING_FIELD, "region is required: the namespace has regions " + regions);
            }
            return regions.iterator().next();
        }
        if (!regions.contains(asked)) {
            throw new WalException(
                    ErrorCode.INVALID_REGION, "the namespace has no region '" + asked + "'; it has " + regions);
        }
        return asked;
    }
}
