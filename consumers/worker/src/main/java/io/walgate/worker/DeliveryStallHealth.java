package io.walgate.worker;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

/**
 * Names every delivery that is stalled (due entries waiting, nothing delivered for a minute), with
 * where it stands and its last error, so that {@code /q/health} shows an operator what is stuck.
 * It stays UP: a stall is one namespace's trouble (a target down, an entry the engine cannot pass),
 * and restarting the worker would stop every other namespace without curing it. Alert on {@code
 * walgate_delivery_stalled_seconds > 0}.
 */
@Liveness
@ApplicationScoped
public class DeliveryStallHealth implements HealthCheck {
    private final DeliveryMetrics metrics;

    DeliveryStallHealth(DeliveryMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public HealthCheckResponse call() {
        var stalled = metrics.stalled();
        HealthCheckResponseBuilder response =
                HealthCheckResponse.named("walgate deliveries").up().withData("stalled", stalled.size());
        stalled.forEach(response::withData);
        return response.build();
    }
}
