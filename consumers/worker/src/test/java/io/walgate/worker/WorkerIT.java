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
                .containsPattern("walgate_delivery_lateness_seconds_bucket\\{[^}]*namespace=\"profiles\"");
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
