package io.walgate.controller;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.walgate.devstack.JavaService;
import io.walgate.devstack.Ports;
import io.walgate.devstack.ServiceJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged controller, run as a process: what it stored survives a restart, and a kill -9 in
 * the middle of provisioning leaves nothing half-done once it is back.
 */
class ControllerRestartIT {
    private JavaService controller;

    @BeforeEach
    void start() {
        Map<String, String> settings = new HashMap<>(ControllerDevstack.settings("walgate_restart"));
        settings.put("walgate.auth.enabled", "false");
        settings.put("walgate.controller.reconcile-interval", "PT1S");
        controller = new JavaService(
                "controller", Path.of("target", "restart-it"), ServiceJars.CONTROLLER.jar(), Ports.free(), settings);
        controller.start();
    }

    @AfterEach
    void stop() {
        controller.close();
    }

    private RequestSpecification api() {
        return given().baseUri(controller.endpoint());
    }

    @Test
    void namespacesSurviveARestartAndAKillMidProvisioningIsFinishedAfterwards() throws Exception {
        String kept = "kept-" + System.nanoTime() % 100_000;
        String interrupted = "interrupted-" + System.nanoTime() % 100_000;
        api().contentType(ContentType.JSON)
                .body(Specs.kafka(kept, 2))
                .post("/v1/namespaces")
                .then()
                .statusCode(201);
        awaitReady(kept);
        String keptTag = api().get("/v1/namespaces/" + kept).header("ETag");

        api().contentType(ContentType.JSON)
                .body(Specs.kafka(interrupted, 6))
                .post("/v1/namespaces")
                .then()
                .statusCode(201);
        controller.kill(); // kill -9, most likely before or during provisioning
        controller.start();

        api().get("/v1/namespaces/" + kept)
                .then()
                .statusCode(200)
                .header("ETag", keptTag)
                .body("status.phase", equalTo("READY"));
        awaitReady(interrupted);
        try (Admin admin = Admin.create(Map.of(
                "bootstrap.servers", ControllerDevstack.devstack().kafka().bootstrapServers()))) {
            TopicDescription topic = admin.describeTopics(List.of("wal." + interrupted))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get("wal." + interrupted);
            assertThat(topic.partitions()).hasSize(6);
        }

        controller.restart();
        api().get("/v1/namespaces").then().statusCode(200).body("items.name", Matchers.hasItems(kept, interrupted));
    }

    @Test
    void withAuthenticationOffTheControllerSaysSoInItsLog() throws Exception {
        assertThat(Files.readString(controller.logFile())).contains("AUTHENTICATION IS OFF");
        api().contentType(ContentType.JSON)
                .body(Specs.kafka("anon-" + System.nanoTime() % 100_000, 1))
                .post("/v1/namespaces")
                .then()
                .statusCode(201)
                .body("updatedBy", equalTo("anonymous"));
    }

    private void awaitReady(String name) {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> api().get("/v1/namespaces/" + name)
                        .then()
                        .statusCode(200)
                        .body("status.phase", equalTo("READY")));
    }
}
