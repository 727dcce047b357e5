package io.walgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.walgate.devstack.Component;
import io.walgate.devstack.Devstack;
import io.walgate.devstack.JavaService;
import io.walgate.devstack.Ports;
import io.walgate.devstack.WalgateServices;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real walctl jar, run as a process, against the packaged controller and gateway. */
class WalctlIT {
    private static final Path WORK = Path.of("target", "walctl-it");
    private static Devstack devstack;
    private static JavaService controller;
    private static JavaService gateway;
    private static JavaService worker;
    private static JavaService securedController;

    record Run(int exit, String out, String err) {
        JsonNode json() {
            try {
                return Api.JSON.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + out, e);
            }
        }
    }

    @BeforeAll
    static void start() throws IOException {
        Files.createDirectories(WORK);
        Files.deleteIfExists(WORK.resolve("config.yaml"));
        devstack = Devstack.builder(WORK.resolve("devstack"))
                .with(Component.POSTGRES, Component.KAFKA, Component.SQS)
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
        // A second controller that requires tokens; refusing a call needs no identity provider.
        Map<String, String> secured = WalgateServices.controllerSettings(devstack, "walgate_secured");
        secured.put("walgate.auth.enabled", "true");
        secured.put("quarkus.oidc.auth-server-url", "http://127.0.0.1:" + Ports.free() + "/realms/walgate");
        securedController = new JavaService(
                "secured-controller", devstack.dataRoot(), jar("walgate.controller.jar"), Ports.free(), secured);
        devstack.startService(securedController);
    }

    @AfterAll
    static void stop() {
        if (devstack != null) {
            devstack.close();
        }
    }

    private static Path jar(String property) {
        return Path.of(System.getProperty(property));
    }

    /** Runs {@code java -jar walctl.jar args…} with the devstack as its environment. */
    static Run piped(String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("java", "-jar", System.getProperty("walctl.jar")));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("WALCTL_CONFIG", WORK.resolve("config.yaml").toString());
        pb.environment().put("XDG_CACHE_HOME", WORK.resolve("cache").toString());
        pb.environment().put("WALCTL_CONTROLLER", controller.endpoint());
        pb.environment().put("WALCTL_GATEWAY", gateway.endpoint());
        pb.environment().put("WALCTL_WORKER", worker.endpoint());
        pb.environment().remove("WALCTL_CONTEXT");
        pb.environment().remove("WALCTL_TOKEN");
        pb.environment().remove("WALCTL_OUTPUT");
        Process p = pb.start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        var out = p.getInputStream().readAllBytes();
        var err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    static Run walctl(String... args) throws Exception {
        return piped(null, args);
    }

    private static void awaitReady(String name) {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300))
                .alias(name + " becomes READY")
                .until(() -> "READY"
                        .equals(walctl("status", name, "-o", "json")
                                .json()
                                .path("phase")
                                .asText()));
    }

    /** The values on a topic, read from the start up to its end. */
    private static List<String> onTopic(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of("bootstrap.servers", devstack.kafka().bootstrapServers()),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200))
                        .forEach(r -> values.add(new String(r.value(), StandardCharsets.ISO_8859_1)));
            }
            return values;
        }
    }

    @Test
    void theQuickstartCreatesNamespacesFromAFileAndWritesEntriesThatLandOnTheTopic() throws Exception {
        Run apply = walctl("apply", "-f", "examples/namespaces.yaml");
        assertThat(apply.exit()).as(apply.err()).isZero();
        assertThat(apply.out()).contains("+ orders: will be created").contains("+ jobs: will be created");
        awaitReady("orders");

        Run write = walctl("write", "orders", "--data", "hello from walctl", "--key", "order-42");
        assertThat(write.exit()).as(write.err()).isZero();
        assertThat(write.out()).containsPattern("[0-9a-f-]{36}\\s+TRUE");
        assertThat(onTopic("wal.orders")).anyMatch(v -> v.contains("hello from walctl"));

        Run again = walctl("apply", "-f", "examples/namespaces.yaml");
        assertThat(again.exit()).isZero();
        assertThat(again.out())
                .contains("= orders: no changes")
                .contains("= jobs: no changes")
                .contains("nothing to do");
    }

    @Test
    void statusShowsTheWorkersLagAndDeadLettersPerRegion() throws Exception {
        // A target that refuses connections and one attempt: every entry is dead-lettered at once.
        Path file = Files.writeString(
                WORK.resolve("status.yaml"),
                "name: status-ns\nowner: a\nbackend: {type: kafka, partitions: 1}\nretry: {maxAttempts: 1}\n"
                        + "target: {type: http, regions: {local: {url: 'http://127.0.0.1:9'}}}\n");
        assertThat(walctl("apply", "-f", file.toString()).exit()).isZero();
        awaitReady("status-ns");
        for (int i = 0; i < 2; i++) {
            Run write = walctl("write", "status-ns", "--data", "doomed " + i);
            assertThat(write.exit()).as(write.err()).isZero();
        }

        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(90))
                .untilAsserted(() -> {
                    JsonNode delivery =
                            walctl("status", "status-ns", "-o", "json").json().path("delivery");
                    assertThat(delivery.path("local").path("deadLetters").asLong())
                            .isEqualTo(2);
                    assertThat(delivery.path("local").path("lag").asLong()).isZero();
                });
        assertThat(walctl("status", "status-ns").out()).containsPattern("lag / DLQ depth \\(local\\)\\s+0 / 2");

        Run noWorker = walctl("status", "status-ns", "--worker", "http://127.0.0.1:" + Ports.free());
        assertThat(noWorker.exit()).as("the controller's answer still counts").isZero();
        assertThat(noWorker.out()).contains("not reported by the worker at http://127.0.0.1:");
    }

    @Test
    void aChangedFileIsPlannedFieldByFieldAndDryRunChangesNothing() throws Exception {
        Path v1 = Files.writeString(
                WORK.resolve("plan-v1.yaml"),
                "name: plan-ns\nowner: a\nbackend: {type: kafka}\n"
                        + "target: {type: http, regions: {local: {url: 'http://127.0.0.1:9'}}}\n");
        assertThat(walctl("apply", "-f", v1.toString()).exit()).isZero();
        Path v2 = Files.writeString(
                WORK.resolve("plan-v2.yaml"),
                "name: plan-ns\nowner: b\nbackend: {type: kafka}\nlimits: {writesPerSecond: 42}\n"
                        + "target: {type: http, regions: {local: {url: 'http://127.0.0.1:9'}}}\n");

        Run dry = walctl("apply", "-f", v2.toString(), "--dry-run");
        assertThat(dry.exit()).isZero();
        assertThat(dry.out())
                .contains("~ plan-ns: 2 field(s) will change")
                .contains("owner: \"a\" -> \"b\"")
                .contains("limits.writesPerSecond: 5000 -> 42")
                .contains("dry run");
        assertThat(walctl("ns", "get", "plan-ns", "-o", "json")
                        .json()
                        .at("/spec/owner")
                        .asText())
                .isEqualTo("a");

        Run diff = walctl("diff", "-f", v2.toString(), "-o", "json");
        assertThat(diff.json().get(0).path("action").asText()).isEqualTo("change");

        assertThat(walctl("apply", "-f", v2.toString()).exit()).isZero();
        assertThat(walctl("ns", "get", "plan-ns", "-o", "yaml").out()).contains("owner: b");
    }

    @Test
    void aStaleUpdateIsRefusedNotOverwritten() throws Exception {
        Path file = Files.writeString(
                WORK.resolve("stale.yaml"),
                "name: stale-ns\nowner: a\nbackend: {type: kafka}\n"
                        + "target: {type: http, regions: {local: {url: 'http://127.0.0.1:9'}}}\n");
        assertThat(walctl("apply", "-f", file.toString()).exit()).isZero();
        Api api = new Api("the controller", controller.endpoint(), java.net.http.HttpClient.newHttpClient(), null);
        JsonNode mine = Api.JSON.readTree("{\"name\":\"stale-ns\",\"owner\":\"mine\",\"backend\":{\"type\":\"kafka\"},"
                + "\"target\":{\"type\":\"http\",\"regions\":{\"local\":{\"url\":\"http://127.0.0.1:9\"}}}}");
        Planner.Plan plan = Planner.plan(api, mine);

        // Someone else changes it after walctl read it …
        Path theirs = Files.writeString(
                WORK.resolve("stale-theirs.yaml"),
                "name: stale-ns\nowner: theirs\nbackend: {type: kafka}\n"
                        + "target: {type: http, regions: {local: {url: 'http://127.0.0.1:9'}}}\n");
        assertThat(walctl("apply", "-f", theirs.toString()).exit()).isZero();

        // … so walctl's replace, made with the version it read, is refused and changes nothing.
        try {
            ApplyCmd.execute(api, plan);
            throw new AssertionError("the stale update went through");
        } catch (CliException e) {
            assertThat(e.exitCode()).isEqualTo(CliException.CONFLICT);
            assertThat(e.getMessage()).contains("changed by someone else").contains("run apply again");
        }
        assertThat(walctl("ns", "get", "stale-ns", "-o", "json")
                        .json()
                        .at("/spec/owner")
                        .asText())
                .isEqualTo("theirs");
    }

    @Test
    void jsonLinesOnStdinAreWrittenInBatchesAndANonDurableEntryFailsTheRun() throws Exception {
        Path file = Files.writeString(
                WORK.resolve("lines.yaml"),
                "name: lines-ns\nowner: a\nbackend: {type: kafka}\n"
                        + "target: {type: http, regions: {local: {url: 'http://127.0.0.1:9'}}}\n");
        assertThat(walctl("apply", "-f", file.toString()).exit()).isZero();
        awaitReady("lines-ns");
        String lines = "{\"json\":{\"n\":1},\"partitionKey\":\"a\"}\n\n{\"payload\":\"aGk=\"}\n{\"json\":[3]}\n";

        Run ok = piped(lines, "write", "lines-ns", "-o", "json");
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.json())
                .hasSize(3)
                .allSatisfy(r -> assertThat(r.path("durable").asText()).isEqualTo("TRUE"));

        Run bad = piped("{\"payload\":\"aGk=\"}\n{\"payload\":\"!!\"}\n", "write", "lines-ns");
        assertThat(bad.exit()).isEqualTo(CliException.NOT_DURABLE);
        assertThat(bad.out()).contains("TRUE").contains("INVALID_PAYLOAD");
        assertThat(bad.err().strip()).isEqualTo("walctl: 1 of 2 entries not durable");

        Run paused = walctl("ns", "pause", "lines-ns", "-o", "json");
        assertThat(paused.exit()).as(paused.err()).isZero();
        assertThat(paused.json().at("/spec/state").asText()).isEqualTo("PAUSED");
        Run refused = walctl("write", "lines-ns", "--data", "x");
        assertThat(refused.exit()).isEqualTo(CliException.CONFLICT);
        assertThat(refused.err()).contains("NAMESPACE_PAUSED");
        assertThat(walctl("ns", "resume", "lines-ns").exit()).isZero();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> walctl("write", "lines-ns", "--data", "x").exit() == 0);
    }

    @Test
    void deletingANamespaceWithUndeliveredEntriesIsAConflictUntilForced() throws Exception {
        // A target that refuses connections and a first retry ten minutes out: the entry stays undelivered.
        Path file = Files.writeString(
                WORK.resolve("undrained.yaml"),
                "name: undrained-ns\nowner: a\nbackend: {type: kafka, partitions: 1}\n"
                        + "retry: {maxAttempts: 3, initialBackoff: PT10M, maxBackoff: PT10M}\n"
                        + "target: {type: http, regions: {local: {url: 'http://127.0.0.1:9'}}}\n");
        assertThat(walctl("apply", "-f", file.toString()).exit()).isZero();
        awaitReady("undrained-ns");
        Run write = walctl("write", "undrained-ns", "--data", "not yet delivered");
        assertThat(write.exit()).as(write.err()).isZero();

        Run refused = walctl("ns", "delete", "undrained-ns");
        assertThat(refused.exit()).isEqualTo(CliException.CONFLICT);
        assertThat(refused.err().strip().lines()).hasSize(1);
        assertThat(refused.err())
                .contains("NAMESPACE_NOT_DRAINED")
                .contains("local 1")
                .contains("--force");
        assertThat(walctl("ns", "get", "undrained-ns").exit()).isZero();

        Run forced = walctl("ns", "delete", "--force", "undrained-ns");
        assertThat(forced.exit()).as(forced.err()).isZero();
        assertThat(forced.out()).contains("namespace 'undrained-ns' deleted");
    }

    @Test
    void badInputAndBadServersEachGetOneClearLineAndTheirExitCode() throws Exception {
        Path badYaml = Files.writeString(WORK.resolve("bad.yaml"), "name: x\n  owner: [unclosed\n");
        Run yaml = walctl("apply", "-f", badYaml.toString());
        assertThat(yaml.exit()).isEqualTo(CliException.USAGE);
        assertThat(yaml.err().strip().lines()).hasSize(1);
        assertThat(yaml.err()).contains("bad.yaml is not valid YAML or JSON");

        Path unknown = Files.writeString(
                WORK.resolve("unknown.yaml"), "name: unknown-ns\nowner: a\nbackend: {type: kafka}\ncolour: blue\n");
        Run field = walctl("apply", "-f", unknown.toString());
        assertThat(field.exit()).isEqualTo(CliException.INVALID);
        assertThat(field.err().strip().lines()).hasSize(1);
        assertThat(field.err()).contains("UNKNOWN_FIELD").contains("colour");

        Run down = walctl("ns", "list", "--controller", "http://127.0.0.1:" + Ports.free());
        assertThat(down.exit()).isEqualTo(CliException.UNAVAILABLE);
        assertThat(down.err().strip().lines()).hasSize(1);
        assertThat(down.err()).contains("cannot reach the controller");

        Run unauthenticated = walctl("ns", "list", "--controller", securedController.endpoint());
        assertThat(unauthenticated.exit()).isEqualTo(CliException.AUTH);
        assertThat(unauthenticated.err().strip().lines()).hasSize(1);
        assertThat(unauthenticated.err()).contains("UNAUTHENTICATED").contains("--token");

        Run missing = walctl("ns", "get", "no-such-namespace");
        assertThat(missing.exit()).isEqualTo(CliException.NOT_FOUND);
        assertThat(missing.err()).contains("NAMESPACE_NOT_FOUND");

        Run usage = walctl("ns", "frobnicate");
        assertThat(usage.exit()).isEqualTo(CliException.USAGE);
    }

    @Test
    void contextsAreSavedSwitchedAndShownWithSecretsMasked() throws Exception {
        assertThat(walctl(
                                "config",
                                "set-context",
                                "staging",
                                "--controller",
                                "http://staging:8081",
                                "--client-id",
                                "walgate-admin",
                                "--client-secret",
                                "s3cret",
                                "--token-url",
                                "http://kc/realms/walgate/protocol/openid-connect/token")
                        .exit())
                .isZero();
        assertThat(walctl("config", "set-context", "local", "--controller", controller.endpoint())
                        .exit())
                .isZero();
        assertThat(walctl("config", "use-context", "local").exit()).isZero();

        Run view = walctl("config", "view", "-o", "yaml");
        assertThat(view.out())
                .contains("currentContext: local")
                .contains("clientSecret: '*****'")
                .doesNotContain("s3cret");
        assertThat(walctl("config", "use-context", "nowhere").exit()).isEqualTo(CliException.USAGE);
        Run list = walctl("ns", "list", "-o", "json", "--context", "local");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.json().isArray()).isTrue();
    }
}
