package io.walgate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.walgate.contract.namespace.NamespaceState;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One page of the feed at a time, against a controller stand-in in this JVM. */
class ChangeFeedFollowerTest {
    private final ObjectMapper json = new ObjectMapper();
    private final NamespaceCache cache = new NamespaceCache();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String page = "{\"changes\":[]}";
    private HttpServer server;
    private URI controller;

    @BeforeEach
    void startController() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/namespaces/changes", exchange -> {
            requests.add(exchange.getRequestURI().getQuery() + " auth="
                    + exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = page.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        controller = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stopController() {
        server.stop(0);
    }

    @Test
    void aPageOfChangesIsAppliedToTheCacheInOrder() throws Exception {
        page = json.writeValueAsString(Map.of(
                "changes",
                List.of(
                        Map.of("version", 1, "spec", NamespaceCacheTest.spec("orders", NamespaceState.ACTIVE)),
                        Map.of("version", 2, "spec", NamespaceCacheTest.spec("carts", NamespaceState.ACTIVE)))));
        try (ChangeFeedFollower follower = new ChangeFeedFollower(controller, cache, json, Optional::empty)) {
            boolean more = follower.pollOnce(Duration.ZERO);

            assertThat(more).isFalse();
        }
        assertThat(cache.find("orders")).isPresent();
        assertThat(cache.find("carts")).isPresent();
        assertThat(cache.version()).isEqualTo(2);
    }

    @Test
    void theFollowerAsksForChangesAfterTheCachesVersionWithItsToken() throws Exception {
        cache.apply(41, NamespaceCacheTest.spec("orders", NamespaceState.ACTIVE));
        try (ChangeFeedFollower follower =
                new ChangeFeedFollower(controller, cache, json, () -> Optional.of("t0ken"))) {
            follower.pollOnce(Duration.ofSeconds(25));
        }

        assertThat(requests).containsExactly("after=41&limit=1000&wait=PT25S auth=Bearer t0ken");
    }

    @Test
    void aRefusalOfTheControllerIsAnErrorNotAnEmptyPage() {
        status = 403;
        page = "{\"code\":\"FORBIDDEN\"}";
        try (ChangeFeedFollower follower = new ChangeFeedFollower(controller, cache, json, Optional::empty)) {
            assertThatThrownBy(() -> follower.pollOnce(Duration.ZERO))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("403");
        }
        assertThat(cache.caughtUp()).isFalse();
    }
}
