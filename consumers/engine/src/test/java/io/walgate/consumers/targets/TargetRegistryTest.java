package io.walgate.consumers.targets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walgate.contract.namespace.RegionTarget;
import io.walgate.contract.namespace.TargetType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetRegistryTest {

    @Test
    void everyTargetTypeHasExactlyOneFactoryOnTheClassPath() {
        try (TargetRegistry registry = TargetRegistry.load();
                Target http = registry.create(
                        TargetType.HTTP,
                        new RegionTarget("http://127.0.0.1:1/apply", Map.of("timeout", "PT1S")),
                        TargetContext.of("orders", "eu"))) {
            assertThat(http).isInstanceOf(HttpTarget.class);
        }
    }

    @Test
    void aTypeWithoutAFactoryIsNamedAtStart() {
        assertThatThrownBy(() -> new TargetRegistry(List.of(new BuiltInTargets.Http(), new BuiltInTargets.Redis())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("POSTGRES")
                .hasMessageContaining("KAFKA")
                .hasMessageContaining("WAL")
                .hasMessageNotContaining("HTTP,");
    }

    @Test
    void twoFactoriesForOneTypeAreRefused() {
        assertThatThrownBy(() -> new TargetRegistry(List.of(new BuiltInTargets.Http(), new BuiltInTargets.Http())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("two factories for target type HTTP");
    }

    @Test
    void aRegionWhoseOptionIsNotOneIsRefusedWhenTheTargetIsMade() {
        try (TargetRegistry registry = TargetRegistry.load()) {
            assertThatThrownBy(() -> registry.create(
                            TargetType.HTTP,
                            new RegionTarget("http://127.0.0.1:1/apply", Map.of("timeout", "ten seconds")),
                            TargetContext.of("orders", "eu")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("timeout");
        }
    }
}
