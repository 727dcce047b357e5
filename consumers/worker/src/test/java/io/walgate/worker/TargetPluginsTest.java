package io.walgate.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.walgate.consumers.targets.Target;
import io.walgate.consumers.targets.TargetContext;
import io.walgate.consumers.targets.TargetRegistry;
import io.walgate.contract.namespace.RegionTarget;
import io.walgate.contract.namespace.TargetType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The worker ships every target: a module missing from its pom would fail its start. */
class TargetPluginsTest {

    @Test
    void everyTargetTypeHasItsFactoryOnTheWorkersClassPath() {
        try (TargetRegistry registry = TargetRegistry.load();
                Target http = registry.create(
                        TargetType.HTTP,
                        new RegionTarget("http://127.0.0.1:1/apply", Map.of("timeout", "PT1S")),
                        TargetContext.of("orders", "eu"))) {
            assertThat(http.getClass().getName()).isEqualTo("io.walgate.consumers.targets.http.HttpTarget");
        }
    }
}
