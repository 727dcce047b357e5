package io.walgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Replay jobs against the packaged services: one outlives a kill -9 of the controller running it,
 * and a log replay rebuilds a wiped target but for the entry it was told to skip.
 */
@ExtendWith(FullStackExtension.class)
class ReplayIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static FullStack stack;

    @BeforeAll
    static void start(FullStack fullStack) {
        stack = fullStack;
    }

    private static String namespace(String name, Upstream upstream) throws Exception {
        stack.client()
                .createNamespace("{\"name\":\"" + name + "\",\"owner\":\"t\",\"backend\":{\"type\":\"kafka\","
                        + "\"partitions\":2},\"target\":{\"type\":\"http\",\"regions\":{\"local\":{\"url\":\""
                        + upstream.url() + "\"}}}}");
        stack.client().awaitWritable(name);
        return stack.controllerUrl() + "/v1/namespaces/" + name;
    }

    private static JsonNode job(String base, String id) throws Exception {
        return JSON.readTree(WalgateClient.get(base + "/replays/" + id));
    }

    @Test
    void aReplayOutlivesAKillOfItsControllerLosingNoLetterAndApplyingNoneTwice() throws Exception {
        try (Upstream upstream = new Upstream()) {
            upstream.refuse(true);
            String base = namespace("replay-crash", upstream);
            int n = 120;
            for (int i = 0; i < n; i++) {
                stack.client().write("replay-crash", "k" + i, "{\"n\":" + i + "}");
            }
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> JSON.readTree(WalgateClient.get(base + "/dead-letters/summary"))
                                    .path(0)
                                    .path("count")
                                    .asInt()
                            >= n);
            upstream.refuse(false);
            HttpResponse<String> started = WalgateClient.send("POST", base + "/replays", "{\"ratePerSecond\":20}");
            assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
            String id = JSON.readTree(started.body()).path("id").asText();
            long matched = JSON.readTree(started.body()).path("matched").asLong();
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> job(base, id).path("replayed").asLong() >= 30);

            stack.controller().kill();
            int appliedWhenKilled = upstream.applied();
            stack.controller().start();

            JsonNode done = await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> job(base, id), j -> j.path("state").asText().equals("SUCCEEDED"));
            await().atMost(Duration.ofSeconds(30)).until(() -> upstream.applied() >= matched);

            assertThat(appliedWhenKilled).as("the kill left work to do").isLessThan(n);
            assertThat(done.path("replayed").asLong()).isEqualTo(matched);
            assertThat(upstream.values().keySet()).containsAll(DeadLetterToolsIT.keys(n));
            for (int i = 0; i < n; i++) {
                assertThat(upstream.values().get("k" + i)).isEqualTo("{\"n\":" + i + "}");
            }
            assertThat(upstream.applied()).as("every letter applied, once").isEqualTo((int) matched);
            // What the killed controller had appended but not recorded goes again, under the same ids:
            // at most one batch (a fifth of a second's worth at 20/s).
            System.out.printf(
                    "controller kill -9 mid-replay: %d applied when killed, %d sent twice%n",
                    appliedWhenKilled, upstream.deliveries() - upstream.applied());
            assertThat(upstream.deliveries() - upstream.applied()).isBetween(0, 4);
            assertThat(JSON.readTree(WalgateClient.get(base + "/dead-letters")).path("items"))
                    .isEmpty();
        } finally {
            if (!stack.controller().isRunning()) {
                stack.controller().start();
            }
        }
    }

    @Test
    void aLogReplayRebuildsAWipedTargetButForTheSkippedEntry() throws Exception {
        try (Upstream upstream = new Upstream()) {
            Instant from = Instant.now().minusSeconds(1);
            String base = namespace("rebuilt", upstream);
            int n = 40;
            for (int i = 0; i < n; i++) {
                // Two writes per key: the replay must end on the later one.
                stack.client().write("rebuilt", "k" + i, "{\"v\":1}");
                stack.client().write("rebuilt", "k" + i, "{\"v\":2,\"k\":" + i + "}");
            }
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> upstream.values().keySet().containsAll(DeadLetterToolsIT.keys(n))
                            && upstream.values().values().stream().noneMatch(v -> v.equals("{\"v\":1}")));
            Map<String, String> before = new HashMap<>(upstream.values());
            String bad = upstream.entryAt("k7"); // the bad mutation: its key keeps what it had before it
            Instant to = Instant.now().plusSeconds(1);

            upstream.wipe();
            HttpResponse<String> started = WalgateClient.send(
                    "POST",
                    base + "/log-replays",
                    "{\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"skip\":[\"" + bad + "\"],"
                            + "\"ratePerSecond\":200}");
            assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
            String id = JSON.readTree(started.body()).path("id").asText();
            JsonNode done = await().atMost(Duration.ofSeconds(60))
                    .until(() -> job(base, id), j -> !j.path("state").asText().matches("PENDING|RUNNING"));

            assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("SUCCEEDED");
            Map<String, String> expected = new HashMap<>(before);
            expected.put("k7", "{\"v\":1}");
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(upstream.values()).containsAllEntriesOf(expected));
            assertThat(upstream.applied())
                    .as("each entry once, the skipped one not")
                    .isEqualTo((int) done.path("replayed").asLong());
        }
    }
}
