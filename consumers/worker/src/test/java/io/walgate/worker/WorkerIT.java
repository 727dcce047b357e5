package io.walgate.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.walgate.devstack.Component;
import io.walgate.devstack.Devstack;
import io.walgate.devstack.JavaService;
import io.walgate.devstack.Ports;
import io.walgate.devstack.WalgateServices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** The packaged controller, gateway and worker: what is written through the gateway is applied. */
class WorkerIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Devstack devstack;
    private static JavaService controller;
    private static JavaService gateway;
    private static JavaService worker;
    private static JavaService westWorker;
    private static RedisClient redis;

    @BeforeAll
    static void start() throws Exception {
        devstack = Devstack.builder(Path.of("target", "devstack-worker"))
                .with(Component.POSTGRES, Component.KAFKA, Component.SQS, Component.REDIS)
                .randomPorts()
                .fresh()
                .build();
        devstack.start();
        Map<String, String> c = WalgateServices.controllerSettings(devstack, WalgateServices.CONTROLLER_DATABASE);
        c.put("walgate.auth.enabled", "false");
        c.put("walgate.controller.reconcile-interval", "PT1S");
        controller = WalgateServices.startController(devstack, jar("walgate.controller.jar"), Ports.free(), c);
        Map<String, String> g = WalgateServices.gatewaySettings(devstack, controller.endpoint());
        g.put("walgate.auth.enabled", "false");
        gateway = WalgateServices.startGateway(devstack, jar("walgate.gateway.jar"), Ports.free(), g);
        worker = WalgateServices.startWorker(
                devstack,
                jar("walgate.worker.jar"),
                Ports.free(),
                WalgateServices.workerSettings(devstack, controller.endpoint()));
        Map<String, String> west = WalgateServices.workerSettings(devstack, controller.endpoint());
        west.put("walgate.worker.region", "west");
        westWorker =
                WalgateServices.startWorker(devstack, "worker-west", jar("walgate.worker.jar"), Ports.free(), west);
        redis = RedisClient.create(URI.create(devstack.redis().endpoint()));
        send(
                "POST",
                controller.endpoint() + "/v1/namespaces",
                "{\"name\":\"profiles\",\"owner\":\"t\","
                        + "\"backend\":{\"type\":\"kafka\",\"partitions\":3},"
                        + "\"target\":{\"type\":\"redis\",\"regions\":{\"local\":{\"url\":\""
                        + devstack.redis().endpoint()
                        + "\"}}}}");
        await().atMost(Duration.ofSeconds(60))
                .until(() -> send(
                                        "POST",
                                        gateway.endpoint() + "/v1/namespaces/profiles/entries",
                                        "{\"payload\":\"aGk=\",\"partitionKey\":\"warm-up\"}")
                                .statusCode()
                        == 201);
    }

    @AfterAll
    static void stop() {
        if (redis != null) {
            redis.close();
        }
        if (devstack != null) {
            devstack.close();
        }
    }

    private static Path jar(String property) {
        return Path.of(System.getProperty(property));
    }

    private static HttpResponse<String> send(String method, String url, String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body))
                        .header("Content-Type", "application/json")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void write(String key, String json) throws Exception {
        HttpResponse<String> r = send(
                "POST",
                gateway.endpoint() + "/v1/namespaces/profiles/entries",
                "{\"json\":" + json + ",\"partitionKey\":\"" + key + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    @Test
    void entriesWrittenThroughTheGatewayAreAppliedToTheTarget() throws Exception {
        for (int i = 0; i < 20; i++) {
            write("user-" + i, "{\"n\":" + i + "}");
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (int i = 0; i < 20; i++) {
                assertThat(redis.get("user-" + i)).isEqualTo("{\"n\":" + i + "}");
            }
        });
    }

    @Test
    void appliesAndTheirLatenessAreCountedPerNamespace() throws Exception {
        write("metrics-key", "1");
        await().atMost(Duration.ofSeconds(60)).until(() -> "1".equals(redis.get("metrics-key")));
        String metrics = send("GET", worker.endpoint() + "/q/metrics", null).body();
        assertThat(metrics)
                .containsPattern(
                        "walgate_delivery_apply_seconds_count\\{[^}]*namespace=\"profiles\"[^}]*outcome=\"applied\"")
                .containsPattern("walgate_delivery_lateness_seconds_bucket\\{[^}]*namespace=\"profiles\"")
                .containsPattern("walgate_delivery_dead_letters\\{[^}]*namespace=\"profiles\"[^}]*\\} 0.0")
                .containsPattern("walgate_delivery_lag_entries\\{[^}]*namespace=\"profiles\"");
    }

    private static void create(String json) throws Exception {
        HttpResponse<String> r = send("POST", controller.endpoint() + "/v1/namespaces", json);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    /** Writes until the gateway knows the namespace and its backend is provisioned. */
    private static void awaitWritable(String namespace) {
        await().atMost(Duration.ofSeconds(60))
                .until(() -> send(
                                        "POST",
                                        gateway.endpoint() + "/v1/namespaces/" + namespace + "/entries",
                                        "{\"json\":\"warm\",\"partitionKey\":\"warm-up\"}")
                                .statusCode()
                        == 201);
    }

    /** The results of one batch of JSON entries, asserting every one of them durable. */
    private static void writeBatch(String namespace, List<String> entries) throws Exception {
        HttpResponse<String> r = send(
                "POST",
                gateway.endpoint() + "/v1/namespaces/" + namespace + "/entries/batch",
                "{\"entries\":[" + String.join(",", entries) + "]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body().split("\"durable\":\"TRUE\"", -1)).as(r.body()).hasSize(entries.size() + 1);
    }

    @Test
    void aNamespaceWithTwoRegionsConvergesInBoth() throws Exception {
        String local = devstack.redis().endpoint() + "/1";
        String westUrl = devstack.redis().endpoint() + "/2";
        create("{\"name\":\"replicated\",\"owner\":\"t\",\"backend\":{\"type\":\"kafka\",\"partitions\":3},"
                + "\"target\":{\"type\":\"redis\",\"regions\":{\"local\":{\"url\":\"" + local + "\"},"
                + "\"west\":{\"url\":\"" + westUrl + "\"}}}}");
        awaitWritable("replicated");
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            entries.add("{\"json\":" + i + ",\"partitionKey\":\"r" + i + "\"}");
        }
        writeBatch("replicated", entries);

        try (RedisClient east = RedisClient.create(URI.create(local));
                RedisClient west = RedisClient.create(URI.create(westUrl))) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                for (int i = 0; i < 50; i++) {
                    assertThat(east.get("r" + i)).as("local r%d", i).isEqualTo(Integer.toString(i));
                    assertThat(west.get("r" + i)).as("west r%d", i).isEqualTo(Integer.toString(i));
                }
            });
            assertThat(redis.get("r0")).as("region databases are apart").isNull();
        }
    }

    @Test
    void aWalTargetForwardsEntriesToAnotherWalgateOnceEach() throws Exception {
        // "Another region's Walgate" is this one: namespace outbox forwards to namespace inbox,
        // which is applied to Redis database 4.
        String url = devstack.redis().endpoint() + "/4";
        create("{\"name\":\"inbox\",\"owner\":\"t\",\"backend\":{\"type\":\"kafka\",\"partitions\":1},"
                + "\"target\":{\"type\":\"redis\",\"regions\":{\"local\":{\"url\":\"" + url + "\"}}}}");
        create("{\"name\":\"outbox\",\"owner\":\"t\",\"backend\":{\"type\":\"kafka\",\"partitions\":1},"
                + "\"target\":{\"type\":\"wal\",\"regions\":{\"local\":{\"url\":\"" + gateway.endpoint()
                + "\",\"options\":{\"namespace\":\"inbox\"}}}}}");
        awaitWritable("inbox");
        awaitWritable("outbox");
        writeBatch(
                "outbox",
                List.of(
                        "{\"json\":{\"quote\":\"a \\\"b\\\" c\"},\"partitionKey\":\"fwd-1\",\"headers\":{\"h\":\"v\"}}",
                        "{\"json\":2,\"partitionKey\":\"fwd-2\"}",
                        "{\"partitionKey\":\"fwd-2\",\"target\":{\"op\":\"DELETE\"}}"));

        try (RedisClient inbox = RedisClient.create(URI.create(url))) {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> "{\"quote\":\"a \\\"b\\\" c\"}".equals(inbox.get("fwd-1")));
        }
        // outbox: its warm-up entry and the three; inbox: its own warm-up and the four forwarded,
        // each applied once (a forwarded duplicate would be a sixth).
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(send("GET", worker.endpoint() + "/q/metrics", null)
                                .body())
                        .containsPattern(applied("outbox", 4))
                        .containsPattern(applied("inbox", 5)));
        Thread.sleep(1000);
        assertThat(send("GET", worker.endpoint() + "/q/metrics", null).body()).containsPattern(applied("inbox", 5));
        try (RedisClient inbox = RedisClient.create(URI.create(url))) {
            assertThat(inbox.get("fwd-2")).as("the DELETE was forwarded too").isNull();
        }
    }

    private static String applied(String namespace, int count) {
        return "walgate_delivery_apply_seconds_count\\{[^}]*namespace=\"" + namespace
                + "\"[^}]*outcome=\"applied\"[^}]*\\} " + count + ".0";
    }

    @Test
    void aNamespaceWhoseDeliveryCannotStartDoesNotStopTheOthers() throws Exception {
        // Valid for the controller, but the worker cannot build a producer for it.
        create("{\"name\":\"broken-target\",\"owner\":\"t\",\"backend\":{\"type\":\"kafka\",\"partitions\":1},"
                + "\"target\":{\"type\":\"kafka\",\"regions\":{\"local\":{\"url\":\"kafka://no-such-host.invalid:9092\","
                + "\"options\":{\"topic\":\"x\"}}}}}");
        String url = devstack.redis().endpoint() + "/5";
        create("{\"name\":\"after-broken\",\"owner\":\"t\",\"backend\":{\"type\":\"kafka\",\"partitions\":1},"
                + "\"target\":{\"type\":\"redis\",\"regions\":{\"local\":{\"url\":\"" + url + "\"}}}}");
        awaitWritable("after-broken");
        writeBatch("after-broken", List.of("{\"json\":\"fine\",\"partitionKey\":\"still\"}"));
        try (RedisClient r = RedisClient.create(URI.create(url))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> "\"fine\"".equals(r.get("still")));
        }
        // …and the broken one is not silently dropped: the operator is told, and it is retried.
        assertThat(java.nio.file.Files.readString(worker.logFile()))
                .contains("cannot deliver namespace broken-target in region local; trying again in 30 s");
    }

    @Test
    void anSqsNamespaceIsDeliveredIncludingADelayedEntry() throws Exception {
        String url = devstack.redis().endpoint() + "/3";
        create("{\"name\":\"jobs\",\"owner\":\"t\",\"backend\":{\"type\":\"sqs\"},"
                + "\"target\":{\"type\":\"redis\",\"regions\":{\"local\":{\"url\":\"" + url + "\"}}}}");
        awaitWritable("jobs");
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            entries.add("{\"json\":" + i + ",\"partitionKey\":\"job" + i + "\"}");
        }
        entries.add("{\"json\":\"later\",\"partitionKey\":\"delayed\",\"lifecycle\":{\"delay\":\"PT3S\"}}");
        Instant written = Instant.now();
        writeBatch("jobs", entries);

        try (RedisClient jobs = RedisClient.create(URI.create(url))) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                for (int i = 0; i < 20; i++) {
                    assertThat(jobs.get("job" + i)).isEqualTo(Integer.toString(i));
                }
            });
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> jobs.get("delayed") != null);
            assertThat(Duration.between(written, Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        }
    }

    @Test
    void aWorkerKilledHardInTheMiddleOfTenThousandEntriesLosesNoneAndAppliesNoneTwice() throws Exception {
        devstack.postgres().createDatabase("ledger");
        String url = "postgresql://127.0.0.1:" + devstack.postgres().port() + "/ledger?user=postgres";
        create("{\"name\":\"ledger\",\"owner\":\"t\",\"backend\":{\"type\":\"kafka\",\"partitions\":3},"
                + "\"target\":{\"type\":\"postgres\",\"regions\":{\"local\":{\"url\":\"" + url + "\"}}}}");
        awaitWritable("ledger");
        int total = 10_000;
        java.util.TreeMap<String, String> expected = new java.util.TreeMap<>();
        java.util.Random random = new java.util.Random(42);
        expected.put("warm-up", "\"warm\"");
        try (var db = devstack.postgres().connect("ledger")) {
            boolean killed = false;
            for (int batch = 0; batch < total / 100; batch++) {
                List<String> entries = new ArrayList<>();
                for (int i = batch * 100; i < (batch + 1) * 100; i++) {
                    String key = "acct-" + i;
                    String value = "{\"n\":" + i + ",\"v\":" + random.nextInt(1_000_000) + "}";
                    expected.put(key, value);
                    entries.add("{\"json\":" + value + ",\"partitionKey\":\"" + key + "\"}");
                }
                writeBatch("ledger", entries);
                if (!killed && batch >= 30) {
                    // Mid-delivery: some applied, most not yet written.
                    await().atMost(Duration.ofSeconds(60)).until(() -> applied(db) >= 500);
                    worker.kill();
                    killed = true;
                }
            }
            long beforeRestart = applied(db);
            assertThat(beforeRestart).as("the kill left work to do").isLessThan(total);
            worker.start();
            System.out.printf("kill -9 test: %d of %d applied when the worker was restarted%n", beforeRestart, total);

            await().atMost(Duration.ofSeconds(180)).until(() -> applied(db) >= total + 1);
            Thread.sleep(2000); // a duplicate apply would show up as an extra row now
            assertThat(applied(db)).as("every acked entry applied, once").isEqualTo(total + 1);
            var rs = db.createStatement()
                    .executeQuery("SELECT count(*), md5(string_agg(key || '=' || convert_from(payload, 'UTF8'), ','"
                            + " ORDER BY key COLLATE \"C\")) FROM walgate_entries");
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(total + 1);
            StringBuilder all = new StringBuilder();
            expected.forEach((k, v) -> all.append(all.length() == 0 ? "" : ",")
                    .append(k)
                    .append('=')
                    .append(v));
            assertThat(rs.getString(2)).as("content checksum").isEqualTo(md5(all.toString()));
        } finally {
            if (!worker.isRunning()) {
                worker.start();
            }
        }
    }

    private static long applied(java.sql.Connection db) throws java.sql.SQLException {
        try (var rs = db.createStatement().executeQuery("SELECT count(*) FROM walgate_applied_entries")) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return 0; // the target has not created its tables yet
            }
            throw e;
        }
    }

    private static String md5(String s) throws Exception {
        return java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("MD5")
                        .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void pauseStopsDeliveryAndResumeContinuesIt() throws Exception {
        HttpResponse<String> delayed = send(
                "POST",
                gateway.endpoint() + "/v1/namespaces/profiles/entries",
                "{\"json\":\"later\",\"partitionKey\":\"paused-key\",\"lifecycle\":{\"delay\":\"PT3S\"}}");
        assertThat(delayed.statusCode()).isEqualTo(201);
        assertThat(send("POST", controller.endpoint() + "/v1/namespaces/profiles/pause", null)
                        .statusCode())
                .isEqualTo(200);

        Thread.sleep(7000);
        assertThat(redis.get("paused-key")).as("not delivered while paused").isNull();

        assertThat(send("POST", controller.endpoint() + "/v1/namespaces/profiles/resume", null)
                        .statusCode())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> "\"later\"".equals(redis.get("paused-key")));
    }
}
