package io.walgate.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.walgate.contract.namespace.BackendSpec;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.NamespaceState;
import io.walgate.contract.namespace.RegionTarget;
import io.walgate.contract.namespace.TargetSpec;
import io.walgate.contract.namespace.TargetType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NamespaceCacheTest {
    private final NamespaceCache cache = new NamespaceCache();

    @Test
    void anAppliedNamespaceIsFoundWithItsDefaultsFilledIn() {
        cache.apply(1, spec("orders", NamespaceState.ACTIVE));

        assertThat(cache.find("orders")).hasValueSatisfying(found -> {
            assertThat(found.delivery()).isNotNull();
            assertThat(found.retry()).isNotNull();
        });
        assertThat(cache.version()).isEqualTo(1);
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void aDeletedNamespaceIsNoLongerFound() {
        cache.apply(1, spec("orders", NamespaceState.ACTIVE));
        cache.apply(2, spec("orders", NamespaceState.DELETED));

        assertThat(cache.find("orders")).isEmpty();
        assertThat(cache.all()).isEmpty();
        assertThat(cache.version()).isEqualTo(2);
    }

    @Test
    void aChangeSeenAlreadyIsNotAppliedAgain() {
        cache.apply(2, spec("orders", NamespaceState.ACTIVE));
        cache.apply(2, spec("orders", NamespaceState.DELETED));
        cache.apply(1, spec("orders", NamespaceState.DELETED));

        assertThat(cache.find("orders")).isPresent();
        assertThat(cache.version()).isEqualTo(2);
    }

    @Test
    void listenersHearEveryChangeIncludingDeletions() {
        List<String> heard = new ArrayList<>();
        cache.addListener(spec -> heard.add(spec.name() + " " + spec.state()));

        cache.apply(1, spec("orders", NamespaceState.ACTIVE));
        cache.apply(2, spec("orders", NamespaceState.DELETED));
        cache.apply(2, spec("orders", NamespaceState.ACTIVE)); // a repeat: not heard

        assertThat(heard).containsExactly("orders ACTIVE", "orders DELETED");
    }

    @Test
    void theCacheIsCaughtUpOnlyOnceMarked() {
        cache.apply(1, spec("orders", NamespaceState.ACTIVE));
        assertThat(cache.caughtUp()).isFalse();

        cache.markCaughtUp();

        assertThat(cache.caughtUp()).isTrue();
    }

    static NamespaceSpec spec(String name, NamespaceState state) {
        return new NamespaceSpec(
                name,
                null,
                "team-a",
                state,
                new BackendSpec(BackendType.KAFKA, null, null),
                null,
                null,
                new TargetSpec(TargetType.HTTP, Map.of("local", new RegionTarget("http://127.0.0.1:1", null))),
                null,
                null);
    }
}
