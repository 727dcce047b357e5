package io.walgate.worker;

import static org.assertj.core.api.Assertions.assertThat;

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

        assertThat(tokenSentTo("https://10.0.0.7:9443")).isEmpty();
        assertThat(tokenSentTo("https://attacker.example")).isEmpty();
        assertThat(tokenSentTo("https://gateway.eu.internal.attacker.example")).isEmpty();
        assertThat(tokenSentTo("https://walgate.corp.attacker.example")).isEmpty();
    }

    @Test
    void targetsThatCallNoWalgateNeverGetTheToken() {
        assertThat(hosts.tokenFor(forwarding(TargetType.HTTP, "https://gateway.eu.internal"), "eu", TOKEN)
                        .get())
                .isEmpty();
    }

    @Test
    void withoutTheSettingNoHostGetsIt() {
        assertThat(new TokenHosts(List.of())
                        .tokenFor(forwarding(TargetType.WAL, "http://127.0.0.1:8080"), "eu", TOKEN)
                        .get())
                .isEmpty();
    }
}
