package io.walgate.benchmarks;

import io.walgate.devstack.Component;
import io.walgate.devstack.Devstack;
import io.walgate.devstack.JavaService;
import io.walgate.devstack.Ports;
import io.walgate.devstack.ServiceJars;
import io.walgate.devstack.WalgateServices;
import io.walgate.support.config.SettingNames;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A devstack (Kafka, PostgreSQL, ElasticMQ, Redis) of the benchmarks' own with the packaged controller and
 * gateway, and the worker when delivery is measured; authentication off, services logging warnings
 * only. Also the namespace set-up every benchmark starts with.
 */
final class BenchStack implements AutoCloseable {
    static final int MAX_REPLAY_RATE = 1_000_000;

    private final Devstack devstack;
    private final JavaService controller;
    private final JavaService gateway;
    private final JavaService worker;

    /** Starts the stack under {@code benchmarks/target/<folder>}, with a worker if {@code withWorker}. */
    BenchStack(String folder, boolean withWorker) {
        devstack = Devstack.builder(
                        ServiceJars.checkoutRoot().resolve("benchmarks/target").resolve(folder))
                .with(Component.KAFKA, Component.POSTGRES, Component.SQS, Component.REDIS)
                .randomPorts()
                .fresh()
                .build();
        try {
            devstack.start();
            Map<String, String> c = WalgateServices.controllerSettings(devstack, WalgateServices.CONTROLLER_DATABASE);
            c.put(SettingNames.AUTH_ENABLED, "false");
            // R1 measures replays unthrottled: a rate ceiling above anything they reach.
            c.put(SettingNames.key(SettingNames.CONTROLLER, "replay.max-rate"), Integer.toString(MAX_REPLAY_RATE));
            // -Dbench.controller-log.io.walgate.controller.replay=DEBUG: one category's level.
            System.getProperties().stringPropertyNames().stream()
                    .filter(k -> k.startsWith("bench.controller-log."))
                    .forEach(k -> c.put(
                            "quarkus.log.category.\"" + k.substring("bench.controller-log.".length()) + "\".level",
                            System.getProperty(k)));
            controller = WalgateServices.startController(devstack, ServiceJars.CONTROLLER.jar(), Ports.free(), c);
            Map<String, String> g = WalgateServices.gatewaySettings(devstack, controller.endpoint());
            g.put(SettingNames.AUTH_ENABLED, "false");
            g.put("quarkus.log.level", "WARN");
            gateway = WalgateServices.startGateway(devstack, ServiceJars.GATEWAY.jar(), Ports.free(), g);
            if (withWorker) {
                Map<String, String> w = WalgateServices.workerSettings(devstack, controller.endpoint());
                w.put(SettingNames.AUTH_ENABLED, "false");
                w.put("quarkus.log.level", System.getProperty("bench.worker-log-level", "WARN"));
                // Long polls, as in production: short ones would add their wait to D1's lateness on SQS.
                w.put(SettingNames.key(SettingNames.WORKER, SettingNames.SQS, SettingNames.WAIT_SECONDS), "20");
                // Experiments: -Dbench.worker.kafka.lanes=1 sets walgate.worker.kafka.lanes.
                System.getProperties().stringPropertyNames().stream()
                        .filter(k -> k.startsWith("bench.worker."))
                        .forEach(k -> w.put(
                                SettingNames.WORKER + "." + k.substring("bench.worker.".length()),
                                System.getProperty(k)));
                // -Dbench.worker-log.org.apache.kafka.clients.NetworkClient=DEBUG: one category's level.
                System.getProperties().stringPropertyNames().stream()
                        .filter(k -> k.startsWith("bench.worker-log."))
                        .forEach(k -> w.put(
                                "quarkus.log.category.\"" + k.substring("bench.worker-log.".length()) + "\".level",
                                System.getProperty(k)));
                worker = WalgateServices.startWorker(devstack, ServiceJars.WORKER.jar(), Ports.free(), w);
            } else {
                worker = null;
            }
        } catch (RuntimeException e) {
            devstack.close();
            throw e;
        }
    }

    Devstack devstack() {
        return devstack;
    }

    String controllerUrl() {
        return controller.endpoint();
    }

    JavaService gateway() {
        return gateway;
    }

    /** The worker, when the stack has one. */
    JavaService worker() {
        if (worker == null) {
            throw new IllegalStateException("this stack runs no worker");
        }
        return worker;
    }

    String entriesUrl(String namespace) {
        return gateway.endpoint() + "/v1/namespaces/" + namespace + "/entries";
    }

    /** Creates a namespace from its JSON spec and waits (up to a minute) until it is READY. */
    void createNamespace(String name, String json) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> created = http.send(
                HttpRequest.newBuilder(URI.create(controllerUrl() + "/v1/namespaces"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("could not create " + name + ": " + created.body());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String body = http.send(
                            HttpRequest.newBuilder(URI.create(controllerUrl() + "/v1/namespaces/" + name))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            if (body.contains("\"phase\":\"READY\"")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("namespace " + name + " did not become READY");
    }

    /** Waits (up to a minute) until the gateway takes a write to the namespace. */
    void awaitWritable(String namespace) throws IOException, InterruptedException {
        // With a key: a target that applies by key (Redis, PostgreSQL) refuses an entry without one.
        awaitWritable(namespace, "{\"payload\":\"aGk=\",\"target\":{\"key\":\"warm-up\"}}");
    }

    private void awaitWritable(String namespace, String body) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (post(entriesUrl(namespace), body) == 201) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the gateway did not accept writes to " + namespace);
    }

    /**
     * One POST over a blocking HttpURLConnection, kept alive per thread: the cheapest client the JDK
     * has, so that the load generator's own CPU does not count against the services on a shared
     * machine (java.net.http's client costs several times more per request).
     *
     * @return the status code; the body is drained so that the connection is reused
     */
    static int post(String url, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/json");
        c.setFixedLengthStreamingMode(bytes.length);
        try (OutputStream out = c.getOutputStream()) {
            out.write(bytes);
        }
        int status = c.getResponseCode();
        try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
            if (in != null) {
                in.readAllBytes();
            }
        }
        return status;
    }

    @Override
    public void close() {
        devstack.close();
    }
}
