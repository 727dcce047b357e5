package io.walgate.gateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.Problem;
import io.walgate.contract.WalException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Limits the HTTP layer enforces on REST calls, refused as problem+json with a code like every other
 * refusal (gRPC calls, on the same port, are left to gRPC's own limits).
 *
 * <ol>
 *   <li>A body declared longer than {@code quarkus.http.limits.max-body-size} is
 *       {@code 413 PAYLOAD_TOO_LARGE}, {@code durable: FALSE} on a write, before a byte of it is
 *       read. Quarkus' own check (route order -2) answers 413 with no body; this one runs first.
 *   <li>A URI longer than {@link #MAX_URI_LENGTH} is {@code 414 MALFORMED_REQUEST}, provided
 *       Netty's own limit ({@code quarkus.http.limits.max-initial-line-length}) is set above it.
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

    HttpLayerProblems(
            @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize, ObjectMapper json) {
        this.maxBodyBytes = maxBodySize.asLongValue();
        this.json = json;
    }

    void install(@Observes Router router) {
        router.route().order(-3).handler(this::check);
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
        rc.next();
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
