package io.walgate.support.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.walgate.client.NamespaceCache;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

class NamespaceCacheHealthTest {
    private final NamespaceCache cache = new NamespaceCache();

    @Test
    void aServiceIsNotReadyBeforeItsCacheHasReadTheFeedThrough() {
        HealthCheckResponse response = new NamespaceCacheHealth(cache).call();

        assertThat(response.getName()).isEqualTo("walgate namespace cache");
        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
    }

    @Test
    void aServiceIsReadyOnceItsCacheHasCaughtUp() {
        cache.markCaughtUp();

        HealthCheckResponse response = new NamespaceCacheHealth(cache).call();

        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(response.getData())
                .hasValueSatisfying(
                        data -> assertThat(data).containsEntry("version", 0L).containsEntry("namespaces", 0L));
    }

    @Test
    void anExtraConditionOfTheServiceHoldsReadinessBackAndIsReported() {
        cache.markCaughtUp();
        AtomicBoolean warm = new AtomicBoolean();
        NamespaceCacheHealth health = new NamespaceCacheHealth(cache).and("writePathWarm", warm::get);

        assertThat(health.call().getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(health.call().getData())
                .hasValueSatisfying(data -> assertThat(data).containsEntry("writePathWarm", false));

        warm.set(true);

        assertThat(health.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    }
}
