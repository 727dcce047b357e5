package io.walgate.gateway;

import io.walgate.contract.feed.NamespaceCache;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the namespace cache has read the controller's change feed through at least once and
 * the write path is built and warmed ({@link GatewayWiring#warm()}).
 */
@Readiness
@ApplicationScoped
public class NamespaceCacheHealth implements HealthCheck {
    private final NamespaceCache cache;
    private final GatewayWiring wiring;

    NamespaceCacheHealth(NamespaceCache cache, GatewayWiring wiring) {
        this.cache = cache;
        this.wiring = wiring;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("walgate namespace cache")
                .status(cache.caughtUp() && wiring.warm())
                .withData("writePathWarm", wiring.warm())
                .withData("version", cache.version())
                .withData("namespaces", cache.size())
                .build();
    }
}
