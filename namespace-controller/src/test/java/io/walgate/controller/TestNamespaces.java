package io.walgate.controller;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.restassured.http.ContentType;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.ResourceNames;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Namespaces for the controller's tests: made through the API and waited for, named apart. */
final class TestNamespaces {
    private static final AtomicInteger SEQ = new AtomicInteger();

    private TestNamespaces() {}

    /** Creates the namespace of {@code spec} and waits until it is READY; its name. */
    static String ready(Map<String, Object> spec) {
        String name = (String) spec.get("name");
        given().contentType(ContentType.JSON)
                .body(spec)
                .post("/v1/namespaces")
                .then()
                .statusCode(201);
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(
                        () -> given().get("/v1/namespaces/" + name).then().body("status.phase", equalTo("READY")));
        return name;
    }

    /** A name no other test of this JVM uses, nor an earlier run's. */
    static String unique(String prefix) {
        return prefix + "-" + SEQ.incrementAndGet() + "-" + Long.toString(System.nanoTime() % 1_000_000, 36);
    }

    /** The DLQ topic of Kafka namespace {@code name}. */
    static String kafkaDlq(String name) {
        return ResourceNames.deadLetterName(BackendType.KAFKA, ResourceNames.defaultLogName(BackendType.KAFKA, name));
    }

    /** The DLQ queue of SQS namespace {@code name}. */
    static String sqsDlq(String name) {
        return ResourceNames.deadLetterName(BackendType.SQS, ResourceNames.defaultLogName(BackendType.SQS, name));
    }
}
