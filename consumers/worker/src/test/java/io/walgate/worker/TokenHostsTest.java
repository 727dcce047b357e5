package io.walgate.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walgate.contract.namespace.BackendSpec;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.RegionTarget;
import io.walgate.contract.namespace.TargetSpec;
import io.walgate.contract.namespace.TargetType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class TokenHostsTest {
    private static final Supplier<Optional<String>> TOKEN = () -> Optional.of("the-workers-token");
    private final TokenHosts hosts = new TokenHosts(List.of("gateway.eu.internal", "10.0.0.7:8443", "*.walgate.corp"));

    private static NamespaceSpec forwarding(TargetType type, String url) {
        return new NamespaceSpec(
                        "orders",
                        null,
                        "team",
                        null,
                        new BackendSpec(BackendType.KAFKA, null, 1),
                        null,
                        null,
                        new TargetSpec(type, Map.of("eu", new RegionTarget(url, null))),
                        null,
                        null)
                .withDefaults();
    }

    private Optional<String> tokenSentTo(String url) {
        return hosts.tokenFor(forwarding(TargetType.WAL, url), "eu", TOKEN).get();
    }

    @Test
    void theWorkersTokenGoesOnlyToTheWalgatesItsSettingsName() {
        assertThat(tokenSentTo("https://GATEWAY.eu.internal")).contains("the-workers-token");
        assertThat(tokenSentTo("https://10.0.0.7:8443")).isPresent();
        assertThat(tokenSentTo("https://gw.walgate.corp:9000")).isPresent();

        for (String elsewhere : List.of(
                "https://10.0.0.7:9443",
                "https://attacker.example",
                "https://gateway.eu.internal.attacker.example",
                "https://walgate.corp.attacker.example",
                "https://gateway.eu.internal@attacker.example")) {
            assertThatThrownBy(() -> tokenSentTo(elsewhere))
                    .as(elsewhere)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("walgate.worker.wal-target-hosts");
        }
    }

    @Test
    void targetsThatCallNoWalgateNeverGetTheToken() {
        assertThat(hosts.tokenFor(forwarding(TargetType.HTTP, "https://gateway.eu.internal"), "eu", TOKEN)
                        .get())
                .isEmpty();
    }

    @Test
    void withoutTheSettingNoHostGetsItAndTheDeliveryWaitsRatherThanDeadLetterEveryEntry() {
        assertThatThrownBy(() -> new TokenHosts(List.of())
                        .tokenFor(forwarding(TargetType.WAL, "http://127.0.0.1:8080"), "eu", TOKEN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void withAuthenticationOffThereIsNoTokenToKeepAndNothingToRefuse() {
        assertThat(new TokenHosts(List.of())
                        .tokenFor(forwarding(TargetType.WAL, "http://anywhere:8080"), "eu", Optional::empty)
                        .get())
                .isEmpty();
    }
}
