package io.walgate.support.health;

import io.walgate.client.NamespaceCache;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * Readiness of a service that serves from a {@link NamespaceCache}: UP once the cache has read the
 * controller's change feed through at least once, and every extra condition of the service holds
 * (the gateway's: its write path is warm).
 *
 * <p>Guarantees:
 *
 * <ol>
 *   <li>Not a bean of this library (the controller has no cache): a service opts in with a producer,
 *       {@code @Produces @Readiness @Singleton HealthCheck}.
 *   <li>Named {@value #NAME}; reports each extra condition, then {@code version} and {@code
 *       namespaces}, as data.
 * </ol>
 */
public final class NamespaceCacheHealth implements HealthCheck {
    public static final String NAME = "walgate namespace cache";

    private final NamespaceCache cache;
    private final Map<String, BooleanSupplier> conditions;

    public NamespaceCacheHealth(NamespaceCache cache) {
        this(cache, Map.of());
    }

    private NamespaceCacheHealth(NamespaceCache cache, Map<String, BooleanSupplier> conditions) {
        this.cache = cache;
        this.conditions = conditions;
    }

    /** This check, also requiring {@code condition}, reported as {@code name}. */
    public NamespaceCacheHealth and(String name, BooleanSupplier condition) {
        Map<String, BooleanSupplier> more = new LinkedHashMap<>(conditions);
        more.put(name, condition);
        return new NamespaceCacheHealth(cache, more);
    }

    @Override
    public HealthCheckResponse call() {
        boolean up = cache.caughtUp();
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME);
        for (Map.Entry<String, BooleanSupplier> condition : conditions.entrySet()) {
            boolean holds = condition.getValue().getAsBoolean();
            up &= holds;
            response.withData(condition.getKey(), holds);
        }
        return response.status(up)
                .withData("version", cache.version())
                .withData("namespaces", cache.size())
                .build();
    }
}
