package io.walgate.controller.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.WalException;
import io.walgate.controller.replay.ReplayService;
import io.walgate.controller.store.DeadLetterFilter;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Locale;

/**
 * A namespace's replay jobs, for its operators and the admin (docs/operations.md): start a replay
 * of dead letters, list the jobs (log replays too, {@link LogReplayResource}), look at one, pause,
 * resume and cancel it.
 */
@Path("/v1/namespaces/{name}/replays")
@Produces(MediaType.APPLICATION_JSON)
public class ReplayResource {
    private static final String UUID = "[0-9a-fA-F-]{36}";

    private final Operated operated;
    private final ReplayService service;
    private final ReplayViews views;
    private final ObjectMapper json;

    ReplayResource(Operated operated, ReplayService service, ReplayViews views, ObjectMapper json) {
        this.operated = operated;
        this.service = service;
        this.views = views;
        this.json = json;
    }

    /** Starts a replay: {@code 202} with the job; on a dry run or when nothing matches, {@code 200} with it ended. */
    @POST
    @Consumes(MediaType.WILDCARD)
    public Uni<Response> start(@PathParam("name") String name, byte[] body) {
        return operated.namespace(name).chain(ns -> {
            ReplayBody b = SpecBodies.read(json, body, ReplayBody.class, "a replay request");
            List<String> ids = b.entryIds() == null ? null : Params.entryIds(b.entryIds());
            DeadLetterFilter filter =
                    DeadLetterResource.filter(b.region(), b.errorCode(), b.key(), b.since(), b.until(), ids);
            int rate = service.rate(b.ratePerSecond());
            return service.replayDeadLetters(
                            ns.row(),
                            filter,
                            rate,
                            resetAttempts(b.attempts()),
                            Boolean.TRUE.equals(b.dryRun()),
                            ns.caller().name())
                    .map(views::started);
        });
    }

    @GET
    public Uni<List<ReplayView>> list(
            @PathParam("name") String name,
            @QueryParam("pageSize") String pageSize,
            @QueryParam("before") String before) {
        return operated.namespace(name)
                .chain(ns -> service.list(
                        name, Params.instant("before", before), Params.integer("pageSize", pageSize, 20, 1, 100)))
                .map(jobs -> jobs.stream().map(views::of).toList());
    }

    @GET
    @Path("{id}")
    public Uni<ReplayView> get(@PathParam("name") String name, @PathParam("id") String id) {
        return operated.namespace(name)
                .chain(ns -> service.get(name, jobId(name, id)))
                .map(views::of);
    }

    /** {@code pause}, {@code resume} or {@code cancel}; asking for the state a job is in already is no error. */
    @POST
    @Path("{id}/{action}")
    @Consumes(MediaType.WILDCARD)
    public Uni<ReplayView> act(
            @PathParam("name") String name, @PathParam("id") String id, @PathParam("action") String action) {
        return operated.namespace(name)
                .chain(ns ->
                        service.act(name, jobId(name, id), action, ns.caller().name()))
                .map(views::of);
    }

    private static boolean resetAttempts(String attempts) {
        if (attempts == null || attempts.equals("reset")) {
            return true;
        }
        if (attempts.equals("keep")) {
            return false;
        }
        throw new WalException(ErrorCode.MALFORMED_REQUEST, "attempts must be reset or keep");
    }

    /** A job id as made here (a UUID); anything else names no job. */
    private static String jobId(String namespace, String id) {
        if (!id.matches(UUID)) {
            throw new WalException(ErrorCode.REPLAY_NOT_FOUND, "no such replay job in namespace '" + namespace + "'");
        }
        return id.toLowerCase(Locale.ROOT);
    }
}
