package io.walgate.controller.api;

import io.smallrye.mutiny.Uni;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.WalException;
import io.walgate.controller.DeadLetterService;
import io.walgate.controller.store.DeadLetterFilter;
import io.walgate.controller.store.DeadLetterRow;
import io.walgate.controller.store.DeadLetterStore;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;

/**
 * A namespace's dead letters, for its operators and the admin (docs/operations.md): list and filter
 * them from the index, show one (its contents only when asked), discard one. Purges are {@link
 * DeadLetterActionsResource}.
 */
@Path("/v1/namespaces/{name}/dead-letters")
@Produces(MediaType.APPLICATION_JSON)
public class DeadLetterResource {
    static final int MAX_PAGE_SIZE = 500;

    private final Operated operated;
    private final DeadLetterStore store;
    private final DeadLetterService service;
    private final DeadLetterViews views;

    DeadLetterResource(Operated operated, DeadLetterStore store, DeadLetterService service, DeadLetterViews views) {
        this.operated = operated;
        this.store = store;
        this.service = service;
        this.views = views;
    }

    /** Dead letters, newest first, filtered by region, error code, key and time. */
    @GET
    public Uni<DeadLetterPage> list(
            @PathParam("name") String name,
            @QueryParam("region") String region,
            @QueryParam("errorCode") String errorCode,
            @QueryParam("key") String key,
            @QueryParam("since") String since,
            @QueryParam("until") String until,
            @QueryParam("pageSize") String pageSizeParam,
            @QueryParam("pageToken") String pageToken) {
        return operated.namespace(name).chain(ns -> {
            DeadLetterFilter filter = filter(region, errorCode, key, since, until, null);
            int pageSize = Params.integer("pageSize", pageSizeParam, 100, 1, MAX_PAGE_SIZE);
            DeadLetterStore.Position after = Params.afterDeadLetter(pageToken);
            return store.list(name, filter, after, pageSize + 1).map(rows -> {
                List<DeadLetterRow> page = rows.size() > pageSize ? rows.subList(0, pageSize) : rows;
                DeadLetterRow last = page.isEmpty() ? null : page.get(page.size() - 1);
                String next = rows.size() > pageSize ? Params.deadLetterPageToken(last.deadAt, last.id) : null;
                return new DeadLetterPage(page.stream().map(views::of).toList(), next);
            });
        });
    }

    /** Per region: how many dead letters, and when the oldest died. */
    @GET
    @Path("summary")
    public Uni<List<DeadLetterSummary>> summary(@PathParam("name") String name) {
        return operated.namespace(name)
                .chain(ns -> store.summary(name))
                .map(rows -> rows.stream()
                        .map(r -> new DeadLetterSummary((String) r[0], ((Number) r[1]).longValue(), (Instant) r[2]))
                        .toList());
    }

    /** The newest dead letter of an entry, with its contents when {@code include=payload}. */
    @GET
    @Path("{entryId}")
    public Uni<DeadLetterView> get(
            @PathParam("name") String name,
            @PathParam("entryId") String entryIdParam,
            @QueryParam("region") String region,
            @QueryParam("include") String include) {
        return operated.namespace(name).chain(ns -> {
            String entryId = Params.entryId(name, entryIdParam);
            boolean contents = include(include);
            return service.show(name, entryId, Params.region(region), contents).map(views::of);
        });
    }

    /** Discards an entry's dead letters (of one region, if given), for {@code reason}. */
    @DELETE
    @Path("{entryId}")
    public Uni<PurgeResult> discard(
            @PathParam("name") String name,
            @PathParam("entryId") String entryIdParam,
            @QueryParam("region") String region,
            @QueryParam("reason") String reason) {
        return operated.namespace(name).chain(ns -> {
            String entryId = Params.entryId(name, entryIdParam);
            DeadLetterFilter filter =
                    new DeadLetterFilter(Params.region(region), null, null, null, null, List.of(entryId));
            return service.purge(
                            name, filter, false, reason(reason), ns.caller().name(), "dead-letters.discard")
                    .map(purged -> {
                        if (purged.matched() == 0) {
                            throw DeadLetterService.notFound(name, entryId);
                        }
                        return new PurgeResult(false, purged.matched(), purged.discarded(), purged.notRemoved());
                    });
        });
    }

    static DeadLetterFilter filter(
            String region, String errorCode, String key, String since, String until, List<String> entryIds) {
        return new DeadLetterFilter(
                Params.region(region),
                Params.errorCode(errorCode),
                Params.key(key),
                Params.instant("since", since),
                Params.instant("until", until),
                entryIds);
    }

    /** A reason for the audit log: required, one line, at most 500 characters. */
    static String reason(String reason) {
        if (reason == null || reason.isBlank()) {
            throw new WalException(ErrorCode.MISSING_FIELD, "reason is required: say why, for the audit log");
        }
        if (reason.length() > 500 || reason.chars().anyMatch(Character::isISOControl)) {
            throw new WalException(ErrorCode.MALFORMED_REQUEST, "reason must be one line of at most 500 characters");
        }
        return reason.strip();
    }

    private static boolean include(String include) {
        if (include == null) {
            return false;
        }
        if (include.equals("payload")) {
            return true;
        }
        throw new WalException(ErrorCode.MALFORMED_REQUEST, "include takes one value: payload");
    }
}
