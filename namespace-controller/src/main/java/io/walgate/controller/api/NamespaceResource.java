package io.walgate.controller.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.WalException;
import io.walgate.contract.namespace.Caller;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.NamespaceState;
import io.walgate.controller.ChangeNotifier;
import io.walgate.controller.ControllerConfig;
import io.walgate.controller.DrainCheck;
import io.walgate.controller.NamespaceService;
import io.walgate.controller.SpecCodec;
import io.walgate.controller.security.AccessPolicy;
import io.walgate.controller.store.NamespaceRow;
import io.walgate.controller.store.NamespaceStore;
import io.walgate.controller.store.ResourceClaims;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The controller's REST API: namespaces, their state, the change feed and the audit log. */
@Path("/v1/namespaces")
@Produces(MediaType.APPLICATION_JSON)
public class NamespaceResource {
    static final int MAX_PAGE_SIZE = 500;

    private final NamespaceService service;
    private final NamespaceStore store;
    private final ChangeNotifier notifier;
    private final AccessPolicy access;
    private final Views views;
    private final ObjectMapper json;
    private final ControllerConfig config;
    private final DrainCheck drains;
    private final SpecCodec codec;

    NamespaceResource(
            NamespaceService service,
            NamespaceStore store,
            ChangeNotifier notifier,
            AccessPolicy access,
            Views views,
            ObjectMapper json,
            ControllerConfig config,
            DrainCheck drains,
            SpecCodec codec) {
        this.service = service;
        this.store = store;
        this.notifier = notifier;
        this.access = access;
        this.views = views;
        this.json = json;
        this.config = config;
        this.drains = drains;
        this.codec = codec;
    }

    /**
     * Creates a namespace. The body is the spec as JSON; it is read as JSON whatever the
     * Content-Type says, so that {@code curl -d @file.json} works without {@code -H}.
     */
    @POST
    @Consumes(MediaType.WILDCARD)
    public Uni<Response> create(@QueryParam("dryRun") String dryRun, byte[] body) {
        return access.admin().chain(actor -> {
            if (!Params.flag("dryRun", dryRun)) {
                return service.create(spec(body), actor.name())
                        .map(row -> withTag(Response.created(URI.create("/v1/namespaces/" + row.name)), row));
            }
            // Validation, defaults and a check that its names are free, nothing stored: walctl plans
            // apply with it, so that the controller stays the one place that knows the rules.
            NamespaceSpec checked = service.validated(spec(body));
            return store.checkNamesFree(checked.name(), ResourceClaims.of(checked))
                    .map(free -> Response.ok(Map.of("spec", checked)).build());
        });
    }

    @GET
    @Path("{name}")
    public Uni<Response> get(@PathParam("name") String name) {
        return visible(name).map(row -> withTag(Response.ok(), row.row()));
    }

    /** Replaces a namespace's spec; needs If-Match with the version read. */
    @PUT
    @Path("{name}")
    @Consumes(MediaType.WILDCARD)
    public Uni<Response> replace(@PathParam("name") String name, @HeaderParam("If-Match") String ifMatch, byte[] body) {
        return access.admin()
                .invoke(() -> Params.name(name))
                .chain(actor -> service.replace(name, spec(body), ifMatch, actor.name()))
                .map(row -> withTag(Response.ok(), row));
    }

    /**
     * Deletes a namespace: refused to writers at once, its resources removed after a grace period.
     * Refused (409 NAMESPACE_NOT_DRAINED) while its targets have not had every entry, unless {@code
     * force=true}, which drops them.
     */
    @DELETE
    @Path("{name}")
    public Uni<Response> delete(
            @PathParam("name") String name,
            @HeaderParam("If-Match") String ifMatch,
            @QueryParam("force") String forceParam) {
        return access.admin()
                .invoke(() -> Params.name(name))
                .chain(actor -> (Params.flag("force", forceParam)
                                ? Uni.createFrom().voidItem()
                                : drains.drained(name))
                        .chain(() -> service.delete(name, ifMatch, actor.name())))
                .map(row -> withTag(Response.accepted(), row));
    }

    @POST
    @Path("{name}/pause")
    public Uni<Response> pause(@PathParam("name") String name) {
        return setState(name, NamespaceState.PAUSED);
    }

    @POST
    @Path("{name}/resume")
    public Uni<Response> resume(@PathParam("name") String name) {
        return setState(name, NamespaceState.ACTIVE);
    }

    /** Pause or resume: the admin, or an operator of the namespace. */
    private Uni<Response> setState(String name, NamespaceState state) {
        return visible(name)
                .invoke(seen -> access.mustOperate(seen.caller(), codec.spec(seen.row().spec)))
                .chain(seen -> service.setState(name, state, seen.caller().name()))
                .map(row -> withTag(Response.ok(), row));
    }

    /** A namespace and who asks, if the caller may see it; otherwise as missing (AccessPolicy, 3). */
    private Uni<Seen> visible(String name) {
        return access.caller()
                .invoke(() -> Params.name(name))
                .chain(caller -> store.get(name)
                        .invoke(row -> access.mustSee(caller, codec.spec(row.spec)))
                        .map(row -> new Seen(caller, row)));
    }

    private record Seen(Caller caller, NamespaceRow row) {}

    /** Namespaces in name order, optionally of one shard or state; deleted ones only when asked. */
    @GET
    public Uni<NamespacePage> list(
            @QueryParam("shard") String shard,
            @QueryParam("state") String state,
            @QueryParam("pageToken") String pageToken,
            @QueryParam("pageSize") String pageSizeParam) {
        return access.caller().chain(caller -> {
            int pageSize = Params.integer("pageSize", pageSizeParam, 100, 1, MAX_PAGE_SIZE);
            String inShard = Params.shard(shard);
            NamespaceState wanted = state == null ? null : parseState(state);
            String after = Params.afterPageToken(pageToken);
            return visiblePage(caller, inShard, wanted, after, pageSize, new ArrayList<>());
        });
    }

    /**
     * Up to {@code pageSize} namespaces {@code caller} may see, after {@code after}: the store is
     * read in pages until the page is full or the names run out, so that a page holds only what
     * the caller may see and a page token never names a namespace it may not.
     */
    private Uni<NamespacePage> visiblePage(
            Caller caller, String shard, NamespaceState state, String after, int pageSize, List<NamespaceRow> found) {
        int want = pageSize + 1 - found.size();
        int read = access.isAdmin(caller) ? want : MAX_PAGE_SIZE;
        return store.list(shard, state, after, read).chain(rows -> {
            for (NamespaceRow row : rows) {
                if (found.size() <= pageSize && access.sees(caller, codec.spec(row.spec))) {
                    found.add(row);
                }
            }
            if (found.size() <= pageSize && rows.size() == read) {
                return visiblePage(caller, shard, state, rows.get(rows.size() - 1).name, pageSize, found);
            }
            List<NamespaceRow> page = found.size() > pageSize ? found.subList(0, pageSize) : found;
            String next = found.size() > pageSize ? Params.pageToken(page.get(page.size() - 1).name) : null;
            return Uni.createFrom()
                    .item(new NamespacePage(page.stream().map(views::of).toList(), next));
        });
    }

    /**
     * The change feed: every change after version {@code after}, oldest first. When there is none
     * yet, waits up to {@code wait} (ISO-8601, at most walgate.controller.max-change-wait) for one.
     */
    @GET
    @Path("changes")
    public Uni<ChangesPage> changes(
            @QueryParam("after") String afterParam,
            @QueryParam("wait") @DefaultValue("PT0S") String wait,
            @QueryParam("limit") String limitParam) {
        return access.feedReader().chain(caller -> {
            long after = Params.number("after", afterParam, 0, 0, Long.MAX_VALUE);
            int limit = Params.integer("limit", limitParam, 500, 1, 5000);
            long deadline = System.nanoTime() + parseWait(wait).toNanos();
            return poll(after, limit, deadline);
        });
    }

    private Uni<ChangesPage> poll(long after, int limit, long deadline) {
        return store.changesAfter(after, limit).chain(rows -> {
            long remaining = deadline - System.nanoTime();
            if (!rows.isEmpty() || remaining <= 0) {
                long last = rows.isEmpty() ? after : rows.get(rows.size() - 1).version;
                return Uni.createFrom()
                        .item(new ChangesPage(rows.stream().map(views::of).toList(), last));
            }
            // Woken at once by a change committed here; re-queried every second for other instances.
            Duration slice =
                    Duration.ofNanos(Math.min(remaining, Duration.ofSeconds(1).toNanos()));
            return notifier.awaitAfter(after, slice).chain(() -> poll(after, limit, deadline));
        });
    }

    /** Who changed the namespace, and how, newest first. */
    @GET
    @Path("{name}/audit")
    public Uni<List<AuditView>> audit(@PathParam("name") String name, @QueryParam("limit") String limitParam) {
        return access.caller()
                .invoke(() -> Params.name(name))
                .chain(caller -> {
                    int limit = Params.integer("limit", limitParam, 100, 1, 1000);
                    if (access.isAdmin(caller)) {
                        return store.audit(name, limit); // also of a namespace long deleted
                    }
                    return store.get(name)
                            .invoke(row -> access.mustOperate(caller, codec.spec(row.spec)))
                            .chain(row -> store.audit(name, limit));
                })
                .map(rows -> rows.stream().map(views::of).toList());
    }

    private NamespaceSpec spec(byte[] body) {
        return SpecBodies.read(json, body);
    }

    private Response withTag(Response.ResponseBuilder builder, NamespaceRow row) {
        return builder.tag(new EntityTag(Long.toString(row.version)))
                .entity(views.of(row))
                .build();
    }

    private Duration parseWait(String wait) {
        try {
            Duration d = Duration.parse(wait);
            if (d.isNegative()) {
                throw new WalException(ErrorCode.INVALID_DURATION, "wait must not be negative");
            }
            return d.compareTo(config.maxChangeWait()) > 0 ? config.maxChangeWait() : d;
        } catch (DateTimeParseException e) {
            throw new WalException(ErrorCode.INVALID_DURATION, "wait must be an ISO-8601 duration such as PT30S");
        }
    }

    private static NamespaceState parseState(String state) {
        try {
            return NamespaceState.valueOf(state.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new WalException(ErrorCode.MALFORMED_REQUEST, "state must be ACTIVE, PAUSED or DELETED");
        }
    }
}
