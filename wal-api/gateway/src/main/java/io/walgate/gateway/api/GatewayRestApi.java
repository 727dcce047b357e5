package io.walgate.gateway.api;

import io.walgate.contract.Problem;
import io.walgate.contract.WalException;
import io.walgate.gateway.GatewayConfig;
import io.walgate.gateway.core.WriteFailure;
import io.walgate.support.http.HttpLayerProblems;
import io.walgate.support.http.ProblemMapper;
import io.walgate.support.http.RestService;
import io.walgate.support.json.JsonCustomizer;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.Response;

/**
 * The gateway's REST API as the shared HTTP parts see it ({@link ProblemMapper},
 * {@link HttpLayerProblems}, {@link JsonCustomizer}): its calls write entries, so every problem says
 * whether the entry is durable and, once issued, its {@code entryId}; a shed write says when to retry.
 * gRPC shares the port; bodies are large, so the bodies in flight are budgeted.
 */
@Singleton
public class GatewayRestApi implements RestService {
    /**
     * A refused body up to twice the limit (64 MiB) is drained; the controller's factor of 8 would
     * have the gateway read half a GiB only to drop it.
     */
    private static final int DRAIN_FACTOR = 2;

    private final long maxInFlightBytes;

    GatewayRestApi(GatewayConfig config) {
        this.maxInFlightBytes = config.maxInFlightBytes();
    }

    @Override
    public String name() {
        return "gateway";
    }

    /**
     * Every path but Quarkus' own ({@code /q/health}, {@code /q/metrics}): the gateway's API is
     * writes, so a client that mistyped a write's path still learns that nothing was written.
     */
    @Override
    public boolean writes(String path) {
        return !path.startsWith("/q/");
    }

    @Override
    public Object complete(WalException e, Problem problem, Response.ResponseBuilder response) {
        if (e instanceof WriteFailure f) {
            if (f.entryId() != null) {
                problem = problem.withEntryId(f.entryId().toString());
            }
            if (f.retryAfterMillis() > 0) {
                response.header("Retry-After", Math.max(1, (f.retryAfterMillis() + 999) / 1000));
            }
        }
        return problem;
    }

    @Override
    public boolean servesGrpc() {
        return true;
    }

    @Override
    public int drainFactor() {
        return DRAIN_FACTOR;
    }

    @Override
    public long maxInFlightBodyBytes() {
        return maxInFlightBytes;
    }
}
