package io.walgate.support.http;

import io.walgate.contract.Problem;
import io.walgate.contract.WalException;
import io.walgate.support.json.JsonCustomizer;
import jakarta.ws.rs.core.Response;

/**
 * What a service that serves a Walgate REST API tells the shared HTTP parts about itself: the
 * problem+json mapper ({@link ProblemMapper}), the HTTP layer's refusals ({@link HttpLayerProblems})
 * and the strict JSON ({@link JsonCustomizer}). A service opts in by declaring
 * one bean of this type; a service without one (the worker, whose HTTP port serves only health and
 * metrics) gets plain problems that name no service and carry no {@code durable}.
 *
 * <ol>
 *   <li>{@link #name()} names the service in the texts of its problems ("the gateway's log has the
 *       details").
 *   <li>{@link #writes(String)} says whether a call to a path writes entries. Its problems then carry
 *       {@code durable}; a refused body says that nothing was written.
 *   <li>{@link #complete} adds what only this service knows about one of its own exceptions (an
 *       entry id, {@code Retry-After}, counts) and returns the body to send. It is asked for every
 *       {@link WalException}, however it reached the mapper.
 *   <li>The HTTP layer's settings ({@link #servesGrpc()}, {@link #drainFactor()},
 *       {@link #maxInFlightBodyBytes()}) have defaults that suit a small admin API; a service with
 *       larger bodies overrides them.
 * </ol>
 */
public interface RestService {

    /** The service as its texts name it: {@code "controller"}, {@code "gateway"}. */
    String name();

    /** Whether a call to {@code path} writes entries (its problems carry {@code durable}). */
    default boolean writes(String path) {
        return false;
    }

    /**
     * The body to send for {@code e}, given its {@code problem}; may add headers to {@code response}.
     * The default sends the problem as it is.
     */
    default Object complete(WalException e, Problem problem, Response.ResponseBuilder response) {
        return problem;
    }

    /** Whether gRPC calls share the HTTP port: they are then left to gRPC's own limits. */
    default boolean servesGrpc() {
        return false;
    }

    /**
     * A refused body up to this many times the body limit is read and dropped, so that a client that
     * writes all of it before reading sees the answer instead of a reset connection. Beyond it the
     * connection is closed.
     */
    default int drainFactor() {
        return 8;
    }

    /**
     * The request bodies the service holds at once (declared lengths together; the body limit for a
     * body of unknown length) before a new call is {@code 503 OVERLOADED}. Unbounded by default.
     */
    default long maxInFlightBodyBytes() {
        return Long.MAX_VALUE;
    }
}
