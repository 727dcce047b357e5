package io.walgate.consumers.targets.wal;

import static org.assertj.core.api.Assertions.assertThat;

import io.walgate.consumers.targets.Target;
import io.walgate.consumers.targets.TargetContext;
import io.walgate.contract.EntryId;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.Lifecycle;
import io.walgate.contract.entry.TargetOp;
import io.walgate.contract.entry.TargetOverride;
import io.walgate.contract.entry.WriteRequest;
import io.walgate.contract.namespace.RegionTarget;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a {@code wal} target refuses before it calls anyone (nothing listens at its URL). */
class WalTargetTest {
    private static Envelope forwardedTo(String namespace) {
        Instant now = Instant.now();
        WriteRequest request = new WriteRequest(
                "mirror",
                Lifecycle.immediate(),
                "v".getBytes(StandardCharsets.UTF_8),
                new TargetOverride("k", TargetOp.PUT, Map.of("namespace", namespace)),
                "k",
                null,
                Map.of(),
                "text/plain");
        return Envelope.accept(request, new EntryId.Generator().next(), now, now, null);
    }

    @Test
    void anEntryWhoseNamespaceIsNoNamespaceNameFailsForGoodWithoutACall() {
        try (WalTargetFactory factory = new WalTargetFactory();
                Target target = factory.create(
                        new RegionTarget("http://127.0.0.1:1", Map.of("timeout", "PT2S")),
                        TargetContext.of("mirror", "local"))) {
            // "/v1/namespaces/../entries" is another of the remote API's paths.
            assertThat(target.apply(forwardedTo(".."))).isInstanceOfSatisfying(Target.Applied.Failed.class, f -> {
                assertThat(f.transientFailure()).isFalse();
                assertThat(f.code()).isEqualTo("WAL_BAD_REQUEST");
            });
            assertThat(target.apply(forwardedTo("orders-eu")))
                    .as("a namespace name is forwarded (and fails only because nobody listens)")
                    .isInstanceOfSatisfying(
                            Target.Applied.Failed.class,
                            f -> assertThat(f.transientFailure()).isTrue());
        }
    }
}
