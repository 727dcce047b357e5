package io.walgate.adapter.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.walgate.contract.namespace.BackendSpec;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.NamespaceSpecValidator;
import io.walgate.contract.namespace.RegionTarget;
import io.walgate.contract.namespace.TargetSpec;
import io.walgate.contract.namespace.TargetType;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Valid namespaces for adapter tests, each with a name no other test uses. */
public final class TestNamespaces {
    private static final AtomicInteger SEQ = new AtomicInteger();

    private TestNamespaces() {}

    /** A valid namespace on {@code backend} (3 partitions on Kafka), defaults filled in. */
    public static NamespaceSpec newNamespace(BackendType backend) {
        String name = "ns" + SEQ.incrementAndGet() + "_" + Long.toString(System.nanoTime() % 100_000, 36);
        NamespaceSpec spec = new NamespaceSpec(
                name,
                null,
                "team-contract",
                null,
                new BackendSpec(backend, null, backend == BackendType.KAFKA ? 3 : null),
                null,
                null,
                new TargetSpec(TargetType.HTTP, Map.of("local", new RegionTarget("http://127.0.0.1:1", null))),
                null,
                null);
        assertThat(NamespaceSpecValidator.validate(spec)).isEmpty();
        return spec.withDefaults();
    }
}
