package io.walgate.controller;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** No entry may wait longer than its backend keeps it (Kafka: P7D in these tests; SQS: 14 days). */
@QuarkusTest
@QuarkusTestResource(ControllerDevstack.class)
@TestSecurity(user = "alice", roles = "walgate-admin")
class RetentionIT {

    @Test
    void aMaxDelayLongerThanTheKafkaRetentionIsRefusedNamingTheRetentionAndItsSetting() {
        Map<String, Object> spec = Specs.with(Specs.kafka(unique("delay"), 2), "delivery.maxDelay", "P8D");

        for (Response answer : new Response[] {post(spec, ""), post(spec, "?dryRun=true")}) {
            answer.then()
                    .statusCode(422)
                    .body("code", equalTo("INVALID_MAX_DELAY"))
                    .body("violations[0].field", equalTo("delivery.maxDelay"))
                    .body("detail", containsString("PT168H"))
                    .body("detail", containsString("walgate.controller.kafka.retention"));
        }
    }

    @Test
    void aMaxDelayEqualToTheRetentionIsAcceptedButAReplaceBeyondItIsRefused() {
        String name = unique("equal");
        Map<String, Object> spec = Specs.with(Specs.kafka(name, 2), "delivery.maxDelay", "P7D");
        String etag = post(spec, "").then().statusCode(201).extract().header("ETag");

        given().contentType(ContentType.JSON)
                .header("If-Match", etag)
                .body(Specs.with(spec, "delivery.maxDelay", "PT169H"))
                .put("/v1/namespaces/" + name)
                .then()
                .statusCode(422)
                .body("code", equalTo("INVALID_MAX_DELAY"));
        given().get("/v1/namespaces/" + name).then().body("spec.delivery.maxDelay", equalTo("PT168H"));
    }

    @Test
    void retriesThatOutlastTheSqsQueueAreRefusedButOnKafkaEachRetryRestartsItsClock() {
        // 99 retries of at most a day: about 91 days of retrying, far beyond SQS's 14.
        Map<String, Object> retry =
                Specs.map("maxAttempts", 100, "initialBackoff", "PT1S", "multiplier", 2.0, "maxBackoff", "P1D");

        post(Specs.with(Specs.sqs(unique("sqs-retry")), "retry", retry), "")
                .then()
                .statusCode(422)
                .body("code", equalTo("INVALID_BACKOFF"))
                .body("violations[0].field", equalTo("retry.maxAttempts"))
                .body("detail", containsString("14 days"));
        post(Specs.with(Specs.kafka(unique("kafka-retry"), 2), "retry", retry), "")
                .then()
                .statusCode(201);
    }

    @Test
    void anSqsMaxDelayBeyondFourteenDaysIsRefused() {
        post(Specs.with(Specs.sqs(unique("sqs-delay")), "delivery.maxDelay", "P15D"), "?dryRun=true")
                .then()
                .statusCode(422)
                .body("code", equalTo("INVALID_MAX_DELAY"))
                .body("detail", containsString("PT336H"));
    }

    private static Response post(Map<String, Object> spec, String query) {
        return given().contentType(ContentType.JSON).body(spec).post("/v1/namespaces" + query);
    }

    private static String unique(String prefix) {
        return prefix + "-" + Long.toString(System.nanoTime() % 1_000_000, 36);
    }
}
