package io.walgate.support.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.Problem;
import io.walgate.contract.WalException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Limits the HTTP layer enforces on a service's REST calls, refused as problem+json with a code like
 * every other refusal. Installed in a service that declares a {@link RestService}, with its settings.
 *
 * <ol>
 *   <li>A body declared longer than {@code quarkus.http.limits.max-body-size} is
 *       {@code 413 PAYLOAD_TOO_LARGE}, {@code durable: FALSE} on a write, before a byte of it is
 *       read. Quarkus' own check (route order -2) answers 413 with no body; this one runs first. A
 *       body without a declared length (chunked HTTP/1.1) is read here, up to the limit, by Vert.x'
 *       body handler, whose 413 the failure handler here answers; Quarkus REST would otherwise
 *       refuse it mid-read with a bare 413.
 *   <li>A URI longer than {@link #MAX_URI_LENGTH} is {@code 414 MALFORMED_REQUEST}, provided
 *       Netty's own limit ({@code quarkus.http.limits.max-initial-line-length}) is set above it.
 *   <li>Bodies in flight are bounded by {@link RestService#maxInFlightBodyBytes()} (their declared
 *       lengths together): past it, a new call is {@code 503 OVERLOADED} with {@code Retry-After},
 *       {@code durable: FALSE} on a write, before its body is buffered — a flood of large bodies is
 *       shed, not an out-of-memory. A body of unknown length (chunked, HTTP/2) counts as the body
 *       limit. One call is always let in when none is in flight.
 *   <li>gRPC calls on the same port ({@link RestService#servesGrpc()}) are left to gRPC's own limits.
 *   <li>What Netty refuses before any route runs (a malformed header, headers or a request line
 *       beyond Netty's limits) keeps Vert.x' bare answer: Quarkus offers no hook there.
 * </ol>
 */
@ApplicationScoped
public class HttpLayerProblems {
    /** Room for every path and query of the API many times over. */
    public static final int MAX_URI_LENGTH = 8192;

    private final long maxBodyBytes;
    private final ObjectMapper json;
    private final Instance<RestService> services;
    private final BodyHandler unsizedBodies;
    private final AtomicLong inFlightBytes = new AtomicLong();
    private RestService service;

    HttpLayerProblems(
            @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize,
            ObjectMapper json,
            Instance<RestService> services) {
        this.maxBodyBytes = maxBodySize.asLongValue();
        this.json = json;
        this.services = services;
        this.unsizedBodies = BodyHandler.create(false).setBodyLimit(maxBodyBytes);
    }

    void install(@Observes Router router) {
        if (!services.isResolvable()) {
            return; // no REST API here: the service's HTTP port keeps Quarkus' own answers
        }
        service = services.get();
        router.route().order(-3).handler(this::check).failureHandler(this::failed);
    }

    private void check(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        if (service.servesGrpc()) {
            String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
            if (type != null && type.startsWith("application/grpc")) {
                rc.next();
                return;
            }
        }
        if (request.uri().length() > MAX_URI_LENGTH) {
            refuse(
                    rc,
                    414,
                    new WalException(
                            ErrorCode.MALFORMED_REQUEST,
                            "the URI is longer than " + MAX_URI_LENGTH + " characters; no call of this API needs that"),
                    0);
            return;
        }
        long declared = parse(request.getHeader(HttpHeaders.CONTENT_LENGTH));
        if (declared > maxBodyBytes) {
            refuse(
                    rc,
                    413,
                    new WalException(
                            ErrorCode.PAYLOAD_TOO_LARGE,
                            "the body is " + declared + " bytes; the " + service.name() + " takes at most "
                                    + maxBodyBytes + nothingWritten(request, " in one call")),
                    declared);
            return;
        }
        if (!reserve(rc, declared)) {
            return;
        }
        // Only over HTTP/1.1: Quarkus REST pauses every request it takes, and an HTTP/2 request whose
        // body was read here (or that ended with its headers) refuses a pause with a 500.
        if (declared < 0 && mayHaveBody(request) && request.version() != HttpVersion.HTTP_2 && !request.isEnded()) {
            unsizedBodies.handle(rc); // calls next() once the whole body is in, or fails with 413
            return;
        }
        rc.next();
    }

    /** Counts the call's body into the budget until the call ends; false when it was refused. */
    private boolean reserve(RoutingContext rc, long declared) {
        HttpServerRequest request = rc.request();
        long max = service.maxInFlightBodyBytes();
        if (max == Long.MAX_VALUE) {
            return true; // no budget: nothing to count
        }
        // A body of unknown length (chunked, HTTP/2) may grow to the limit: it counts as that much.
        long reserved = declared >= 0 ? declared : mayHaveBody(request) && !request.isEnded() ? maxBodyBytes : 0;
        if (reserved <= 0) {
            return true;
        }
        long held = inFlightBytes.addAndGet(reserved);
        if (held > max && held > reserved) {
            inFlightBytes.addAndGet(-reserved);
            rc.response().putHeader("Retry-After", "1");
            refuse(
                    rc,
                    503,
                    new WalException(
                            ErrorCode.OVERLOADED,
                            "the " + service.name() + " holds " + (held - reserved)
                                    + " bytes of request bodies (at most " + max + "); retry shortly"
                                    + nothingWritten(request, "")),
                    declared);
            return false;
        }
        rc.addEndHandler(done -> inFlightBytes.addAndGet(-reserved));
        return true;
    }

    /** A request failed with a bare status by the HTTP layer (no exception to map). */
    private void failed(RoutingContext rc) {
        if (rc.failure() == null && rc.statusCode() == 413 && !rc.response().headWritten()) {
            refuse(
                    rc,
                    413,
                    new WalException(
                            ErrorCode.PAYLOAD_TOO_LARGE,
                            "the body is larger than the " + maxBodyBytes + " bytes the " + service.name() + " takes"
                                    + nothingWritten(rc.request(), " in one call")),
                    -1);
            return;
        }
        rc.next();
    }

    /** On a write, the refusal says that nothing was written (after {@code scope}, when given). */
    private String nothingWritten(HttpServerRequest request, String scope) {
        return service.writes(path(request)) ? scope + "; nothing was written" : "";
    }

    private void refuse(RoutingContext rc, int status, WalException e, long declaredBody) {
        HttpServerRequest request = rc.request();
        String path = path(request);
        Problem body = Problem.of(e, path.length() > 256 ? path.substring(0, 256) + "…" : path, service.writes(path))
                .withStatus(status);
        String text;
        try {
            text = json.writeValueAsString(body);
        } catch (JsonProcessingException impossible) {
            text = "{\"code\":\"" + e.code() + "\",\"status\":" + status + "}";
        }
        boolean drain = declaredBody > 0 && declaredBody <= maxBodyBytes * service.drainFactor();
        if (drain) {
            // Read and drop the body: a client that writes all of it before reading would otherwise
            // meet a reset connection instead of this answer.
            request.handler(ignored -> {});
            request.resume();
        }
        var response = rc.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE);
        if (!drain) {
            response.putHeader(HttpHeaders.CONNECTION, "close");
        }
        response.end(text);
    }

    private static String path(HttpServerRequest request) {
        return request.path() == null ? "" : request.path();
    }

    /** Chunked HTTP/1.1 and HTTP/2 bodies declare no length; GET, HEAD and OPTIONS send none. */
    private static boolean mayHaveBody(HttpServerRequest request) {
        HttpMethod method = request.method();
        return !(HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method) || HttpMethod.OPTIONS.equals(method));
    }

    /** The declared body length; -1 when none is declared (Netty has refused one that is not a number). */
    private static long parse(String length) {
        if (length == null) {
            return -1;
        }
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
