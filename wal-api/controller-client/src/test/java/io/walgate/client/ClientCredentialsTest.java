package io.walgate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a token endpoint in this JVM (the JDK's own HTTP server): what goes over the wire. */
class ClientCredentialsTest {
    private static final String SETTINGS = "walgate.worker.controller-auth";
    private final ObjectMapper json = new ObjectMapper();
    private final List<String> forms = new CopyOnWriteArrayList<>();
    private final AtomicInteger issued = new AtomicInteger();
    private volatile int status = 200;
    private HttpServer server;
    private URI tokenUrl;
    private MutableClock clock;

    @BeforeEach
    void startTokenEndpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/token", exchange -> {
            forms.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] body = status == 200
                    ? ("{\"access_token\":\"token-" + issued.incrementAndGet() + "\",\"expires_in\":300}")
                            .getBytes(StandardCharsets.UTF_8)
                    : "{\"error\":\"unauthorized_client\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        tokenUrl = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/token");
        clock = new MutableClock(Instant.parse("2026-12-03T00:00:00Z"));
    }

    @AfterEach
    void stopTokenEndpoint() {
        server.stop(0);
    }

    @Test
    void theClientAsksForATokenWithItsCredentialsFormEncoded() {
        ClientCredentials credentials =
                new ClientCredentials(tokenUrl, "walgate services", "s&cret", SETTINGS, json, clock);

        assertThat(credentials.get()).contains("token-1");
        assertThat(forms)
                .containsExactly("grant_type=client_credentials&client_id=walgate+services&client_secret=s%26cret");
    }

    @Test
    void aTokenIsReusedUntilShortlyBeforeItExpires() {
        ClientCredentials credentials = new ClientCredentials(tokenUrl, "walgate", "secret", SETTINGS, json, clock);

        assertThat(credentials.get()).contains("token-1");
        clock.advance(Duration.ofSeconds(269)); // 300 s lifetime, renewed 30 s early
        assertThat(credentials.get()).contains("token-1");
        clock.advance(Duration.ofSeconds(1));
        assertThat(credentials.get()).contains("token-2");
        assertThat(forms).hasSize(2);
    }

    @Test
    void aRefusalNamesTheCallersOwnSettings() {
        status = 401;
        ClientCredentials credentials = new ClientCredentials(tokenUrl, "walgate", "wrong", SETTINGS, json, clock);

        assertThatThrownBy(credentials::get)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("(401)")
                .hasMessageContaining("check walgate.worker.controller-auth.*")
                .hasMessageNotContaining("gateway");
    }

    @Test
    void aFixedTokenWinsOverClientCredentials() {
        Supplier<Optional<String>> token = ClientCredentials.forFeed(
                Optional.of("fixed"),
                Optional.of("walgate"),
                Optional.of("secret"),
                Optional.of(tokenUrl),
                Optional.empty(),
                json,
                SETTINGS);

        assertThat(token.get()).contains("fixed");
        assertThat(forms).isEmpty();
    }

    @Test
    void withoutAClientIdThereIsNoToken() {
        Supplier<Optional<String>> token = ClientCredentials.forFeed(
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                json,
                SETTINGS);

        assertThat(token.get()).isEmpty();
    }

    @Test
    void theTokenUrlDefaultsToKeycloaksUnderTheIssuer() {
        Supplier<Optional<String>> token = ClientCredentials.forFeed(
                Optional.empty(),
                Optional.of("walgate"),
                Optional.of("secret"),
                Optional.empty(),
                Optional.of("http://127.0.0.1:" + server.getAddress().getPort() + "/realms/walgate"),
                json,
                SETTINGS);
        server.createContext("/realms/walgate/protocol/openid-connect/token", exchange -> {
            byte[] body = "{\"access_token\":\"from-keycloak\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });

        assertThat(token.get()).contains("from-keycloak");
    }

    @Test
    void aClientIdWithoutAnyTokenUrlIsRefusedNamingTheSettings() {
        assertThatThrownBy(() -> ClientCredentials.forFeed(
                        Optional.empty(),
                        Optional.of("walgate"),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        json,
                        SETTINGS))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("walgate.worker.controller-auth.client-id is set")
                .hasMessageContaining("walgate.worker.controller-auth.token-url");
    }

    /** A clock the test moves, so that expiry is tested without waiting for it. */
    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
