package io.walgate.controller;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * No two namespaces are given the same topic or queue: every derived name (log, DLQ, delay tiers)
 * is reserved for its namespace, compared as the backend compares names, until it is removed.
 */
@QuarkusTest
@QuarkusTestResource(ControllerDevstack.class)
@TestSecurity(user = "alice", roles = "walgate-admin")
class ResourceNameClashIT {

    private static String unique(String prefix) {
        return prefix + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    }

    private static Response create(Map<String, Object> spec) {
        return given().contentType(ContentType.JSON).body(spec).post("/v1/namespaces");
    }

    private static void refusedAsTaken(Map<String, Object> spec, String owner) {
        create(spec)
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("code", equalTo("RESOURCE_NAME_TAKEN"))
                .body("violations[0].field", equalTo("backend.topic"))
                .body("detail", containsString("namespace '" + owner + "'"));
        given().get("/v1/namespaces/" + spec.get("name")).then().statusCode(404);
    }

    @Test
    void anSqsNamespaceCannotBeNamedSoThatItsQueueIsAnotherNamespacesDeadLetterQueue() {
        String orders = unique("orders-");
        create(Specs.sqs(orders)).then().statusCode(201);
        // wal-<orders>-dlq is the DLQ of <orders>: a namespace <orders>-dlq would get it as its queue.
        refusedAsTaken(Specs.sqs(orders + "-dlq"), orders);

        // The other way round: <x>-dlq first, then <x>, whose DLQ would be <x>-dlq's queue.
        String x = unique("jobs-");
        create(Specs.sqs(x + "-dlq")).then().statusCode(201);
        refusedAsTaken(Specs.sqs(x), x + "-dlq");
    }

    @Test
    void anExplicitKafkaTopicCannotNameAnotherNamespacesDeadLetterTopicOrDelayTier() {
        String owner = unique("owner-");
        create(Specs.kafka(owner, 1)).then().statusCode(201);
        String thief = unique("thief-");
        refusedAsTaken(Specs.with(Specs.kafka(thief, 1), "backend.topic", "wal." + owner + ".dlq"), owner);
        refusedAsTaken(Specs.with(Specs.kafka(thief, 1), "backend.topic", "wal." + owner + ".delay.30s"), owner);
        refusedAsTaken(Specs.with(Specs.kafka(thief, 1), "backend.topic", "wal." + owner), owner);
        // A topic whose own dead-letter topic would be another namespace's log is refused too.
        String other = unique("other-");
        create(Specs.with(Specs.kafka(other, 1), "backend.topic", "t." + other + ".dlq"))
                .then()
                .statusCode(201);
        refusedAsTaken(Specs.with(Specs.kafka(thief, 1), "backend.topic", "t." + other), other);
    }

    @Test
    void kafkaTopicsThatDifferOnlyInDotsAndUnderscoresCollide() {
        String id = unique("t");
        String dotted = unique("dotted-");
        create(Specs.with(Specs.kafka(dotted, 1), "backend.topic", "team." + id + ".a.b"))
                .then()
                .statusCode(201);
        create(Specs.with(Specs.kafka(unique("under-"), 1), "backend.topic", "team_" + id + "_a_b"))
                .then()
                .statusCode(409)
                .body("code", equalTo("RESOURCE_NAME_TAKEN"))
                .body("detail", containsString("collides with 'team." + id + ".a.b' of namespace '" + dotted + "'"));

        // A derived name collides the same way: namespace a_b gets wal.a_b, which is wal.a.b to Kafka.
        String underscored = unique("a_b_");
        create(Specs.kafka(underscored, 1)).then().statusCode(201);
        refusedAsTaken(
                Specs.with(Specs.kafka(unique("dots-"), 1), "backend.topic", "wal." + underscored.replace('_', '.')),
                underscored);
    }

    @Test
    void aDryRunReportsTheClashSoThatAPlanShowsItBeforeAnApply() {
        String orders = unique("planned-");
        create(Specs.sqs(orders)).then().statusCode(201);
        given().contentType(ContentType.JSON)
                .body(Specs.sqs(orders + "-dlq"))
                .post("/v1/namespaces?dryRun=true")
                .then()
                .statusCode(409)
                .body("code", equalTo("RESOURCE_NAME_TAKEN"))
                .body("detail", containsString("namespace '" + orders + "'"));
        // Its own names are no clash: a plan of an existing namespace passes.
        given().contentType(ContentType.JSON)
                .body(Specs.sqs(orders))
                .post("/v1/namespaces?dryRun=true")
                .then()
                .statusCode(200);
    }

    @Test
    void theSameNameOnTheOtherBackendIsNoClash() {
        String name = unique("both-");
        create(Specs.with(Specs.kafka(name, 1), "backend.topic", "shared-" + name))
                .then()
                .statusCode(201);
        create(Specs.with(Specs.sqs(name + "-q"), "backend.topic", "shared-" + name))
                .then()
                .statusCode(201);
    }

    @Test
    void aDeletedNamespacesNamesAreFreeOnceItIsGone() {
        String orders = unique("freed-");
        create(Specs.sqs(orders)).then().statusCode(201);
        refusedAsTaken(Specs.sqs(orders + "-dlq"), orders);

        given().delete("/v1/namespaces/" + orders).then().statusCode(202);
        // Still reserved while its queues are being removed: they exist until then.
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(
                        () -> given().get("/v1/namespaces/" + orders).then().statusCode(404));
        create(Specs.sqs(orders + "-dlq")).then().statusCode(201);
    }
}
