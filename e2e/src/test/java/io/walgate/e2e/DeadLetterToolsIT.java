package io.walgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.walgate.devstack.WalgateServices;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What an operator sees of the dead letters a real worker wrote: the worker indexes each one as it
 * dead-letters it, and the controller lists, shows (with the payload read from the DLQ) and purges
 * them.
 */
@ExtendWith(FullStackExtension.class)
class DeadLetterToolsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static FullStack stack;
    private static HttpServer refusing;

    @BeforeAll
    static void start(FullStack fullStack) throws Exception {
        stack = fullStack;
        // An upstream that refuses every request for good: each entry is dead-lettered at its first attempt.
        refusing = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        refusing.createContext("/", exchange -> {
            byte[] body = "{\"error\":\"no such item type\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(400, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        refusing.start();
    }

    @AfterAll
    static void stop() {
        refusing.stop(0);
    }

    @Test
    void afterTheTargetRecoversAReplayDeliversEveryDeadLetterOnceAtTheAskedRate() throws Exception {
        try (Upstream upstream = new Upstream()) {
            upstream.refuse(true);
            WalgateClient walgate = stack.client();
            walgate.createNamespace(
                    "{\"name\":\"mended\",\"owner\":\"t\",\"backend\":{\"type\":\"kafka\",\"partitions\":2},"
                            + "\"target\":{\"type\":\"http\",\"regions\":{\"local\":{\"url\":\"" + upstream.url()
                            + "\"}}}}");
            walgate.awaitWritable("mended");
            int n = 150; // 3 s at 50/s: the rate is measured over that, at the target
            for (int i = 0; i < n; i++) {
                walgate.write("mended", "k" + i, "{\"n\":" + i + "}");
            }
            String base = stack.controllerUrl() + "/v1/namespaces/mended";
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> JSON.readTree(WalgateClient.get(base + "/dead-letters?pageSize=500"))
                                    .path("items")
                                    .size()
                            >= n);

            upstream.refuse(false);
            HttpResponse<String> started = WalgateClient.send("POST", base + "/replays", "{\"ratePerSecond\":50}");
            assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
            String job = JSON.readTree(started.body()).path("id").asText();
            JsonNode done = await().atMost(Duration.ofSeconds(60))
                    .until(
                            () -> JSON.readTree(WalgateClient.get(base + "/replays/" + job)),
                            j -> j.path("state").asText().equals("SUCCEEDED"));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> upstream.values().keySet().containsAll(keys(n)));

            assertThat(done.path("replayed").asLong()).isEqualTo(upstream.applied());
            for (int i = 0; i < n; i++) {
                assertThat(upstream.values().get("k" + i))
                        .as("k" + i + " as written")
                        .isEqualTo("{\"n\":" + i + "}");
            }
            assertThat(upstream.deliveries()).as("each sent once").isEqualTo(upstream.applied());
            assertThat(upstream.applyRate())
                    .as("applied per second at the target")
                    .isBetween(40.0, 60.0);
            assertThat(JSON.readTree(WalgateClient.get(base + "/dead-letters")).path("items"))
                    .as("nothing died again")
                    .isEmpty();
        }
    }

    static Set<String> keys(int n) {
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < n; i++) {
            keys.add("k" + i);
        }
        return keys;
    }

    @Test
    void deadLettersAWorkerWroteAreListedShownWithTheirPayloadAndPurged() throws Exception {
        WalgateClient walgate = stack.client();
        walgate.createNamespace(
                "{\"name\":\"refused\",\"owner\":\"t\",\"backend\":{\"type\":\"kafka\",\"partitions\":2},"
                        + "\"target\":{\"type\":\"http\",\"regions\":{\"local\":{\"url\":\"http://127.0.0.1:"
                        + refusing.getAddress().getPort() + "/items\"}}}}");
        walgate.awaitWritable("refused");
        for (int i = 0; i < 3; i++) {
            walgate.write("refused", "k" + i, "{\"n\":" + i + "}");
        }
        // Too large for a Kafka record (inline limit 960 KiB): stored aside in the gateway's database.
        byte[] big = new byte[1_000_000];
        new Random(42).nextBytes(big);
        HttpResponse<String> large = walgate.writeRaw(
                "refused",
                "{\"payload\":\"" + Base64.getEncoder().encodeToString(big) + "\",\"partitionKey\":\"big\"}");
        assertThat(large.statusCode()).as(large.body()).isEqualTo(201);
        String deadLetters = stack.controllerUrl() + "/v1/namespaces/refused/dead-letters";

        // Every write dead-letters: the three and the warm-up write(s) of awaitWritable.
        Set<String> keys = new HashSet<>();
        int[] listed = new int[1];
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            keys.clear();
            JsonNode items = JSON.readTree(WalgateClient.get(deadLetters)).path("items");
            items.forEach(d -> keys.add(d.path("partitionKey").asText()));
            listed[0] = items.size();
            assertThat(keys).contains("k0", "k1", "k2", "big", "warm-up");
        });

        JsonNode k1 = JSON.readTree(WalgateClient.get(deadLetters + "?key=k1"))
                .path("items")
                .get(0);
        assertThat(k1.path("region").asText()).isEqualTo("local");
        assertThat(k1.path("lastError").path("code").asText()).isEqualTo("HTTP_400");
        assertThat(k1.path("attempts").asInt()).isEqualTo(1);
        assertThat(k1.path("location").path("dlq").asText()).isEqualTo("wal.refused.dlq");
        JsonNode shown = JSON.readTree(
                WalgateClient.get(deadLetters + "/" + k1.path("entryId").asText() + "?include=payload"));
        assertThat(new String(
                        Base64.getDecoder()
                                .decode(shown.path("entry").path("payload").asText()),
                        StandardCharsets.UTF_8))
                .isEqualTo("{\"n\":1}");
        JsonNode bigOne = JSON.readTree(WalgateClient.get(deadLetters + "?key=big"))
                .path("items")
                .get(0);
        JsonNode bigShown = JSON.readTree(WalgateClient.get(
                        deadLetters + "/" + bigOne.path("entryId").asText() + "?include=payload"))
                .path("entry");
        assertThat(bigShown.path("payloadRef").path("size").asInt()).isEqualTo(big.length);
        assertThat(Base64.getDecoder().decode(bigShown.path("payload").asText()))
                .as("the claim check redeemed from the gateway's database")
                .isEqualTo(big);
        assertThat(WalgateClient.get(stack.worker().managementEndpoint() + "/q/metrics"))
                .as("every dead letter made it into the index")
                .contains("walgate_dead_letter_index_failures_total 0.0");

        HttpResponse<String> purged = WalgateClient.send(
                "POST", deadLetters + ":purge", "{\"reason\":\"the item type exists now; replayed by hand\"}");
        assertThat(purged.statusCode()).as(purged.body()).isEqualTo(200);
        assertThat(JSON.readTree(purged.body()).path("discarded").asInt()).isEqualTo(listed[0]);
        assertThat(JSON.readTree(WalgateClient.get(deadLetters)).path("items")).isEmpty();
        try (Connection gatewayDb = stack.devstack().postgres().connect(WalgateServices.GATEWAY_DATABASE);
                PreparedStatement q = gatewayDb.prepareStatement(
                        "SELECT cardinality(regions_pending), released_at IS NOT NULL FROM payloads WHERE entry_id = ?")) {
            q.setObject(1, UUID.fromString(bigOne.path("entryId").asText()));
            try (ResultSet row = q.executeQuery()) {
                assertThat(row.next()).isTrue();
                assertThat(row.getInt(1))
                        .as("no region waits for a discarded entry")
                        .isZero();
                assertThat(row.getBoolean(2))
                        .as("its payload is released, to be purged later")
                        .isTrue();
            }
        }
    }
}
