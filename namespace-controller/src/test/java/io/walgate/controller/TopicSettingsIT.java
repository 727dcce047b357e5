package io.walgate.controller;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The durability settings of a namespace's topics are the controller's, and its status shows them. */
@QuarkusTest
@QuarkusTestResource(ControllerDevstack.class)
@TestSecurity(user = "alice", roles = "walgate-admin")
class TopicSettingsIT {

    @Test
    void theStatusShowsEachTopicsCopiesAndRetentionAsTheBrokerReportsThem() {
        String name = "topics-" + Long.toString(System.nanoTime() % 1_000_000, 36);
        given().contentType(ContentType.JSON)
                .body(Specs.kafka(name, 2))
                .post("/v1/namespaces")
                .then()
                .statusCode(201);

        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> given().get("/v1/namespaces/" + name)
                        .then()
                        .statusCode(200)
                        .body("status.phase", equalTo("READY"))
                        // the devstack has one broker: one copy, one in sync
                        .body("status.resources[0].role", equalTo("LOG"))
                        .body("status.resources[0].attributes.replicationFactor", equalTo("1"))
                        .body("status.resources[0].attributes.minInsyncReplicas", equalTo("1"))
                        .body("status.resources[0].attributes.retentionMs", equalTo(millis(Duration.ofDays(7))))
                        .body("status.resources[0].attributes.retentionBytes", equalTo("-1"))
                        .body("status.resources[1].role", equalTo("DEAD_LETTER"))
                        .body("status.resources[1].attributes.retentionMs", equalTo(millis(Duration.ofDays(30)))));
    }

    private static String millis(Duration d) {
        return Long.toString(d.toMillis());
    }
}
