package io.walgate.gateway;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.walgate.devstack.Component;
import io.walgate.devstack.Devstack;
import io.walgate.devstack.JavaService;
import io.walgate.devstack.Ports;
import io.walgate.devstack.ServiceJars;
import io.walgate.devstack.WalgateServices;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Real Kafka, ElasticMQ and PostgreSQL, and the packaged namespace controller with the namespaces
 * the gateway's tests write to, created before the gateway starts.
 */
public class GatewayDevstack implements QuarkusTestResourceLifecycleManager {
    private static Devstack devstack;
    private static JavaService controller;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    public static synchronized Devstack devstack() {
        if (devstack == null) {
            devstack = Devstack.builder(Path.of("target", dataDirName()))
                    .with(Component.POSTGRES, Component.KAFKA, Component.SQS)
                    .randomPorts()
                    .fresh()
                    .build();
            devstack.start();
            Map<String, String> settings =
                    WalgateServices.controllerSettings(devstack, WalgateServices.CONTROLLER_DATABASE);
            settings.put("walgate.auth.enabled", "false");
            settings.put("walgate.controller.reconcile-interval", "PT1S");
            controller =
                    WalgateServices.startController(devstack, ServiceJars.CONTROLLER.jar(), Ports.free(), settings);
            createNamespaces();
        }
        return devstack;
    }

    /** The controller the gateways of this devstack follow. */
    public static String controllerUrl() {
        devstack();
        return controller.endpoint();
    }

    /** The namespaces every gateway test may use. */
    private static void createNamespaces() {
        create(spec("orders", "kafka", "default", 1000, Map.of()));
        create(spec("queue", "sqs", "default", 1000, Map.of()));
        create(spec("elsewhere", "kafka", "cache", 1000, Map.of()));
        create(spec("slow", "kafka", "default", 1, Map.of()));
        create(spec(
                "cache-keys",
                "kafka",
                "default",
                1000,
                Map.of("type", "redis", "regions", Map.of("local", Map.of("url", "redis://127.0.0.1:6380")))));
        create(spec("paused", "kafka", "default", 1000, Map.of()));
        post("/v1/namespaces/paused/pause", "");
        // Limits above what their logs carry inline: large payloads go through the claim check.
        create(withMaxPayload(spec("big", "kafka", "default", 1000, Map.of()), 4 * 1024 * 1024));
        create(withMaxPayload(spec("bigq", "sqs", "default", 1000, Map.of()), 1024 * 1024));
        // The largest payload any namespace may allow (Limits.MAX_MAX_PAYLOAD_BYTES).
        create(withMaxPayload(spec("huge", "kafka", "default", 1000, Map.of()), 16 * 1024 * 1024));
        for (String name :
                List.of("orders", "queue", "elsewhere", "slow", "cache-keys", "paused", "big", "bigq", "huge")) {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> get("/v1/namespaces/" + name).contains("\"phase\":\"READY\""));
        }
    }

    private static Map<String, Object> spec(
            String name, String backend, String shard, int rate, Map<String, Object> target) {
        Map<String, Object> spec = new HashMap<>();
        spec.put("name", name);
        spec.put("shard", shard);
        spec.put("owner", "team-gateway-tests");
        spec.put("backend", backend.equals("kafka") ? Map.of("type", "kafka", "partitions", 3) : Map.of("type", "sqs"));
        spec.put("delivery", Map.of("maxDelay", "P1D"));
        spec.put(
                "target",
                target.isEmpty()
                        ? Map.of("type", "http", "regions", Map.of("local", Map.of("url", "http://127.0.0.1:9")))
                        : target);
        spec.put("limits", Map.of("maxPayloadBytes", 4096, "writesPerSecond", rate));
        spec.put("access", Map.of("writers", List.of("svc-orders", "role:role-writers")));
        return spec;
    }

    private static Map<String, Object> withMaxPayload(Map<String, Object> spec, int bytes) {
        spec.put("limits", Map.of("maxPayloadBytes", bytes, "writesPerSecond", 1000));
        return spec;
    }

    private static void create(Map<String, Object> spec) {
        try {
            post("/v1/namespaces", JSON.writeValueAsString(spec));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String post(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(controller.endpoint() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    private static String get(String path) {
        return send(HttpRequest.newBuilder(URI.create(controller.endpoint() + path))
                .GET()
                .build());
    }

    private static String send(HttpRequest request) {
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException(
                        request.uri() + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * One folder per class loader: Quarkus loads @QuarkusTest classes in a class loader of its own,
     * so plain tests and Quarkus tests each hold their own devstack here; sharing a folder would let
     * the second reap the first one's servers.
     */
    private static String dataDirName() {
        return "devstack-" + Integer.toHexString(System.identityHashCode(GatewayDevstack.class.getClassLoader()));
    }

    @Override
    public Map<String, String> start() {
        Devstack d = devstack();
        Map<String, String> config = new HashMap<>(WalgateServices.gatewaySettings(d, controller.endpoint()));
        config.put("walgate.gateway.kafka.producer.\"delivery.timeout.ms\"", "10000");
        config.put("walgate.gateway.kafka.producer.\"request.timeout.ms\"", "2000");
        config.put("walgate.gateway.kafka.producer.\"max.block.ms\"", "3000");
        return config;
    }

    @Override
    public void stop() {
        // The devstack and the controller outlive one Quarkus app; their shutdown hook stops them.
    }
}
