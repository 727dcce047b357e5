package io.walgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.RedisClient;

/** What is written through the gateway reaches the namespace's target, wherever that is. */
@ExtendWith(FullStackExtension.class)
class DeliveryIT {
    private static FullStack stack;
    private static WalgateClient walgate;

    @BeforeAll
    static void profiles(FullStack fullStack) throws Exception {
        stack = fullStack;
        walgate = stack.client();
        walgate.createNamespace("{\"name\":\"profiles\",\"owner\":\"t\","
                + "\"backend\":{\"type\":\"kafka\",\"partitions\":3},"
                + "\"target\":{\"type\":\"redis\",\"regions\":{\"local\":{\"url\":\""
                + stack.redisUrl(0)
                + "\"}}}}");
        walgate.awaitWritable("profiles");
    }

    @Test
    void entriesWrittenThroughTheGatewayAreAppliedToTheTarget() throws Exception {
        for (int i = 0; i < 20; i++) {
            walgate.write("profiles", "user-" + i, "{\"n\":" + i + "}");
        }
        try (RedisClient redis = stack.redis(0)) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                for (int i = 0; i < 20; i++) {
                    assertThat(redis.get("user-" + i)).isEqualTo("{\"n\":" + i + "}");
                }
            });
        }
    }

    @Test
    void aWriteReachesEveryRegion() throws Exception {
        String local = stack.redisUrl(1);
        String westUrl = stack.redisUrl(2);
        walgate.createNamespace(
                "{\"name\":\"replicated\",\"owner\":\"t\",\"backend\":{\"type\":\"kafka\",\"partitions\":3},"
                        + "\"target\":{\"type\":\"redis\",\"regions\":{\"local\":{\"url\":\"" + local + "\"},"
                        + "\"west\":{\"url\":\"" + westUrl + "\"}}}}");
        walgate.awaitWritable("replicated");
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            entries.add("{\"json\":" + i + ",\"partitionKey\":\"r" + i + "\"}");
        }
        walgate.writeBatch("replicated", entries);

        try (RedisClient east = stack.redis(1);
                RedisClient west = stack.redis(2);
                RedisClient profiles = stack.redis(0)) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                for (int i = 0; i < 50; i++) {
                    assertThat(east.get("r" + i)).as("local r%d", i).isEqualTo(Integer.toString(i));
                    assertThat(west.get("r" + i)).as("west r%d", i).isEqualTo(Integer.toString(i));
                }
            });
            assertThat(profiles.get("r0")).as("region databases are apart").isNull();
        }
    }

    @Test
    void aRetryInOneRegionIsNotAppliedAgainInTheOthers() throws Exception {
        // Region local's upstream refuses each path once (503: retried), west's takes everything.
        Map<String, AtomicInteger> localCalls = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> westCalls = new ConcurrentHashMap<>();
        HttpServer local = upstream(path ->
                localCalls.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet() == 1 ? 503 : 200);
        HttpServer west = upstream(path -> {
            westCalls.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            return 200;
        });
        try {
            walgate.createNamespace(
                    "{\"name\":\"retried\",\"owner\":\"t\",\"backend\":{\"type\":\"kafka\",\"partitions\":2},"
                            + "\"retry\":{\"maxAttempts\":3,\"initialBackoff\":\"PT1S\"},"
                            + "\"target\":{\"type\":\"http\",\"regions\":{"
                            + "\"local\":{\"url\":\"http://127.0.0.1:"
                            + local.getAddress().getPort() + "/items\"},"
                            + "\"west\":{\"url\":\"http://127.0.0.1:"
                            + west.getAddress().getPort() + "/items\"}}}}");
            walgate.awaitWritable("retried");
            for (int i = 0; i < 5; i++) {
                walgate.write("retried", "k" + i, Integer.toString(i));
            }
            // Delayed 7 s: it waits in the 5 s tier and is moved down the ladder, by each region for itself.
            assertThat(walgate.writeRaw(
                                    "retried",
                                    "{\"json\":9,\"partitionKey\":\"late\",\"lifecycle\":{\"delay\":\"PT7S\"}}")
                            .statusCode())
                    .isEqualTo(201);
            // Local applies each entry at its second attempt; west at its first, and never the retry.
            String localMetrics = stack.worker().endpoint() + "/q/metrics";
            String westMetrics = stack.westWorker().endpoint() + "/q/metrics";
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() ->
                            assertThat(WalgateClient.get(localMetrics)).containsPattern(Metrics.applied("retried", 7)));
            await().during(Duration.ofSeconds(5))
                    .atMost(Duration.ofSeconds(15))
                    .untilAsserted(() ->
                            assertThat(WalgateClient.get(westMetrics)).containsPattern(Metrics.applied("retried", 7)));
            assertThat(westCalls.get("/items/late")).as("west late").hasValue(1);
            assertThat(localCalls.get("/items/late")).as("local late").hasValue(2);
            for (int i = 0; i < 5; i++) {
                assertThat(westCalls.get("/items/k" + i)).as("west k%d", i).hasValue(1);
                assertThat(localCalls.get("/items/k" + i)).as("local k%d", i).hasValue(2);
            }
        } finally {
            local.stop(0);
            west.stop(0);
        }
    }

    /** An HTTP upstream on a free port answering each request with the status {@code answer} gives its path. */
    private static HttpServer upstream(ToIntFunction<String> answer) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(
                    answer.applyAsInt(exchange.getRequestURI().getPath()), -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    @Test
    void aWalTargetForwardsEntriesToAnotherWalgateOnceEach() throws Exception {
        // "Another region's Walgate" is this one: namespace outbox forwards to namespace inbox,
        // which is applied to Redis database 4.
        String url = stack.redisUrl(4);
        walgate.createNamespace("{\"name\":\"inbox\",\"owner\":\"t\",\"backend\":{\"type\":\"kafka\",\"partitions\":1},"
                + "\"target\":{\"type\":\"redis\",\"regions\":{\"local\":{\"url\":\"" + url + "\"}}}}");
        walgate.createNamespace(
                "{\"name\":\"outbox\",\"owner\":\"t\",\"backend\":{\"type\":\"kafka\",\"partitions\":1},"
                        + "\"target\":{\"type\":\"wal\",\"regions\":{\"local\":{\"url\":\"" + stack.gatewayUrl()
                        + "\",\"options\":{\"namespace\":\"inbox\"}}}}}");
        walgate.awaitWritable("inbox");
        walgate.awaitWritable("outbox");
        walgate.writeBatch(
                "outbox",
                List.of(
                        "{\"json\":{\"quote\":\"a \\\"b\\\" c\"},\"partitionKey\":\"fwd-1\",\"headers\":{\"h\":\"v\"}}",
                        "{\"json\":2,\"partitionKey\":\"fwd-2\"}",
                        "{\"partitionKey\":\"fwd-2\",\"target\":{\"op\":\"DELETE\"}}"));

        try (RedisClient inbox = stack.redis(4)) {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> "{\"quote\":\"a \\\"b\\\" c\"}".equals(inbox.get("fwd-1")));
        }
        // outbox: its warm-up entry and the three; inbox: its own warm-up and the four forwarded,
        // each applied once (a forwarded duplicate would be a sixth).
        String metrics = stack.worker().endpoint() + "/q/metrics";
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(WalgateClient.get(metrics))
                        .containsPattern(Metrics.applied("outbox", 4))
                        .containsPattern(Metrics.applied("inbox", 5)));
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(5))
                .untilAsserted(
                        () -> assertThat(WalgateClient.get(metrics)).containsPattern(Metrics.applied("inbox", 5)));
        try (RedisClient inbox = stack.redis(4)) {
            assertThat(inbox.get("fwd-2")).as("the DELETE was forwarded too").isNull();
        }
    }

    @Test
    void anSqsNamespaceIsDeliveredIncludingADelayedEntry() throws Exception {
        // Not "jobs": the walctl quickstart creates that one on the same stack.
        String url = stack.redisUrl(3);
        walgate.createNamespace("{\"name\":\"sqs-jobs\",\"owner\":\"t\",\"backend\":{\"type\":\"sqs\"},"
                + "\"target\":{\"type\":\"redis\",\"regions\":{\"local\":{\"url\":\"" + url + "\"}}}}");
        walgate.awaitWritable("sqs-jobs");
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            entries.add("{\"json\":" + i + ",\"partitionKey\":\"job" + i + "\"}");
        }
        entries.add("{\"json\":\"later\",\"partitionKey\":\"delayed\",\"lifecycle\":{\"delay\":\"PT3S\"}}");
        Instant written = Instant.now();
        walgate.writeBatch("sqs-jobs", entries);

        try (RedisClient jobs = stack.redis(3)) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                for (int i = 0; i < 20; i++) {
                    assertThat(jobs.get("job" + i)).isEqualTo(Integer.toString(i));
                }
            });
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> jobs.get("delayed") != null);
            // A lower bound on time passed, never a race: it fails only if the entry came early.
            assertThat(Duration.between(written, Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        }
    }
}
