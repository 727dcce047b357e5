package io.walgate.worker;

import io.walgate.contract.feed.NamespaceCache;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the namespace cache has read the controller's feed through. */
@Readiness
@ApplicationScoped
public class NamespaceCacheHealth implements HealthCheck {
    private final NamespaceCache cache;

    NamespaceCacheHealth(NamespaceCache cache) {
        this.cache = cache;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("walgate namespace cache")
                .status(cache.caughtUp())
                .withData("version", cache.version())
                .withData("namespaces", cache.size())
                .build();
    }
}
