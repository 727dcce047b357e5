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
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
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
        // An upstream that refuses until it is fixed, then records what it is sent, and when.
        AtomicBoolean fixed = new AtomicBoolean();
        Map<String, List<String>> received = new ConcurrentHashMap<>();
        List<Long> arrivals = Collections.synchronizedList(new ArrayList<>());
        HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", exchange -> {
            byte[] sent = exchange.getRequestBody().readAllBytes();
            int status = 400;
            if (fixed.get()) {
                String path = exchange.getRequestURI().getPath();
                received.computeIfAbsent(path.substring(path.lastIndexOf('/') + 1), k -> new CopyOnWriteArrayList<>())
                        .add(new String(sent, StandardCharsets.UTF_8));
                arrivals.add(System.nanoTime());
                status = 204;
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        upstream.start();
        try {
            WalgateClient walgate = stack.client();
            walgate.createNamespace(
                    "{\"name\":\"mended\",\"owner\":\"t\",\"backend\":{\"type\":\"kafka\",\"partitions\":2},"
                            + "\"target\":{\"type\":\"http\",\"regions\":{\"local\":{\"url\":\"http://127.0.0.1:"
                            + upstream.getAddress().getPort() + "/items\"}}}}");
            walgate.awaitWritable("mended");
            int n = 100;
            for (int i = 0; i < n; i++) {
                walgate.write("mended", "k" + i, "{\"n\":" + i + "}");
            }
            String base = stack.controllerUrl() + "/v1/namespaces/mended";
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> JSON.readTree(WalgateClient.get(base + "/dead-letters?pageSize=500"))
                                    .path("items")
                                    .size()
                            >= n);

            fixed.set(true);
            HttpResponse<String> started = WalgateClient.send("POST", base + "/replays", "{\"ratePerSecond\":50}");
            assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
            String job = JSON.readTree(started.body()).path("id").asText();
            JsonNode done = await().atMost(Duration.ofSeconds(60))
                    .until(
                            () -> JSON.readTree(WalgateClient.get(base + "/replays/" + job)),
                            j -> j.path("state").asText().equals("SUCCEEDED"));
            await().atMost(Duration.ofSeconds(30)).until(() -> received.keySet().containsAll(keys(n)));

            assertThat(done.path("replayed").asLong()).isGreaterThanOrEqualTo(n);
            for (int i = 0; i < n; i++) {
                assertThat(received.get("k" + i))
                        .as("k" + i + " once, as written")
                        .containsExactly("{\"n\":" + i + "}");
            }
            List<Long> times = new ArrayList<>(arrivals);
            Collections.sort(times);
            double rate = (times.size() - 1) * 1e9 / (times.get(times.size() - 1) - times.get(0));
            assertThat(rate).as("applied per second at the target").isBetween(40.0, 60.0);
            assertThat(JSON.readTree(WalgateClient.get(base + "/dead-letters")).path("items"))
                    .as("nothing died again")
                    .isEmpty();
        } finally {
            upstream.stop(0);
        }
    }

    private static Set<String> keys(int n) {
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
