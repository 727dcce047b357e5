package io.walgate.gateway.api;

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
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Limits the HTTP layer enforces on REST calls, refused as problem+json with a code like every other
 * refusal (gRPC calls, on the same port, are left to gRPC's own limits).
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
 *   <li>Bodies in flight are bounded by {@code walgate.gateway.max-in-flight-bytes} (their declared
 *       lengths together): past it, a new call is {@code 503 OVERLOADED} with {@code Retry-After},
 *       {@code durable: FALSE}, before its body is buffered — a flood of 15 MiB writes is shed, not
 *       an out-of-memory. A body of unknown length (chunked, HTTP/2) counts as the body limit. One
 *       call is always let in when none is in flight.
 *   <li>What Netty refuses before any route runs (a malformed header, a request line beyond
 *       Netty's limit) keeps Vert.x' bare answer: Quarkus offers no hook there.
 * </ol>
 */
@ApplicationScoped
public class HttpLayerProblems {
    /** Room for every path and query of the API many times over. */
    static final int MAX_URI_LENGTH = 8192;
    /** A refused body up to this many times the limit is read and dropped so the client sees the answer. */
    private static final int DRAIN_FACTOR = 2;

    private final long maxBodyBytes;
    private final ObjectMapper json;
    private final BodyHandler unsizedBodies;
    private final long maxInFlightBytes;
    private final AtomicLong inFlightBytes = new AtomicLong();

    HttpLayerProblems(
            @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize,
            @ConfigProperty(name = "walgate.gateway.max-in-flight-bytes", defaultValue = "268435456")
                    long maxInFlightBytes,
            ObjectMapper json) {
        this.maxBodyBytes = maxBodySize.asLongValue();
        this.maxInFlightBytes = maxInFlightBytes;
        this.json = json;
        this.unsizedBodies = BodyHandler.create(false).setBodyLimit(maxBodyBytes);
    }

    void install(@Observes Router router) {
        router.route().order(-3).handler(this::check).failureHandler(this::failed);
    }

    private void check(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (type != null && type.startsWith("application/grpc")) {
            rc.next();
            return;
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
                            "the body is " + declared + " bytes; the gateway takes at most " + maxBodyBytes
                                    + " in one call; nothing was written"),
                    declared);
            return;
        }
        // A body of unknown length (chunked, HTTP/2) may grow to the limit: it counts as that much.
        long reserved = declared >= 0 ? declared : mayHaveBody(request) && !request.isEnded() ? maxBodyBytes : 0;
        if (reserved > 0) {
            long held = inFlightBytes.addAndGet(reserved);
            if (held > maxInFlightBytes && held > reserved) {
                inFlightBytes.addAndGet(-reserved);
                rc.response().putHeader("Retry-After", "1");
                refuse(
                        rc,
                        503,
                        new WalException(
                                ErrorCode.OVERLOADED,
                                "the gateway holds " + (held - reserved) + " bytes of request bodies (at most "
                                        + maxInFlightBytes + "); retry shortly; nothing was written"),
                        declared);
                return;
            }
            rc.addEndHandler(done -> inFlightBytes.addAndGet(-reserved));
        }
        // Only over HTTP/1.1: Quarkus REST pauses every request it takes, and an HTTP/2 request whose
        // body was read here (or that ended with its headers) refuses a pause with a 500.
        if (declared < 0 && mayHaveBody(request) && request.version() != HttpVersion.HTTP_2 && !request.isEnded()) {
            unsizedBodies.handle(rc); // calls next() once the whole body is in, or fails with 413
            return;
        }
        rc.next();
    }

    /** A request failed with a bare status by the HTTP layer (no exception to map). */
    private void failed(RoutingContext rc) {
        if (rc.failure() == null && rc.statusCode() == 413 && !rc.response().headWritten()) {
            refuse(
                    rc,
                    413,
                    new WalException(
                            ErrorCode.PAYLOAD_TOO_LARGE,
                            "the body is larger than the " + maxBodyBytes
                                    + " bytes the gateway takes in one call; nothing was written"),
                    -1);
            return;
        }
        rc.next();
    }

    /** Chunked HTTP/1.1 and HTTP/2 bodies declare no length; GET, HEAD and OPTIONS send none. */
    private static boolean mayHaveBody(HttpServerRequest request) {
        HttpMethod method = request.method();
        return !(HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method) || HttpMethod.OPTIONS.equals(method));
    }

    private void refuse(RoutingContext rc, int status, WalException e, long declaredBody) {
        HttpServerRequest request = rc.request();
        String path = request.path() == null ? "" : request.path();
        boolean writeCall = path.contains("/entries");
        Problem body = Problem.of(e, path.length() > 256 ? path.substring(0, 256) + "…" : path, writeCall)
                .withStatus(status);
        String text;
        try {
            text = json.writeValueAsString(body);
        } catch (JsonProcessingException impossible) {
            text = "{\"code\":\"" + e.code() + "\",\"status\":" + status + "}";
        }
        boolean drain = declaredBody > 0 && declaredBody <= maxBodyBytes * DRAIN_FACTOR;
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
