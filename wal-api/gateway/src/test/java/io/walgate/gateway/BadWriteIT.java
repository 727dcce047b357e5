package io.walgate.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kind of bad write gets its own code as problem+json, durable FALSE, never a 500 or an ack. */
@QuarkusTest
@QuarkusTestResource(GatewayDevstack.class)
@TestSecurity(user = "svc-orders")
class BadWriteIT {
    private static final String OK = "\"payload\":\"aGk=\",\"partitionKey\":\"k\"";

    static Stream<Arguments> badWrites() {
        String big = "A".repeat(8000);
        return Stream.of(
                bad("unknown namespace", "nope", "{" + OK + "}", 404, "NAMESPACE_NOT_FOUND"),
                bad("paused namespace", "paused", "{" + OK + "}", 409, "NAMESPACE_PAUSED"),
                bad("other shard's namespace", "elsewhere", "{" + OK + "}", 421, "WRONG_SHARD"),
                bad(
                        "payload over the namespace limit",
                        "orders",
                        "{\"payload\":\"" + big + "\"}",
                        413,
                        "PAYLOAD_TOO_LARGE"),
                bad(
                        "negative delay",
                        "orders",
                        "{" + OK + ",\"lifecycle\":{\"delay\":\"-PT5S\"}}",
                        400,
                        "INVALID_LIFECYCLE"),
                bad(
                        "delay over maxDelay",
                        "orders",
                        "{" + OK + ",\"lifecycle\":{\"delay\":\"P2D\"}}",
                        400,
                        "INVALID_LIFECYCLE"),
                bad(
                        "delay and deliverAt",
                        "orders",
                        "{" + OK + ",\"lifecycle\":{\"delay\":\"PT5S\",\"deliverAt\":\"2030-01-01T00:00:00Z\"}}",
                        400,
                        "INVALID_LIFECYCLE"),
                bad(
                        "negative jitter",
                        "orders",
                        "{" + OK + ",\"lifecycle\":{\"jitter\":\"-PT1S\"}}",
                        400,
                        "INVALID_LIFECYCLE"),
                bad(
                        "unreadable duration",
                        "orders",
                        "{" + OK + ",\"lifecycle\":{\"delay\":\"5 minutes\"}}",
                        400,
                        "INVALID_DURATION"),
                bad("bad base64", "orders", "{\"payload\":\"%%%\"}", 400, "INVALID_PAYLOAD"),
                bad("payload and json", "orders", "{\"payload\":\"aGk=\",\"json\":{\"a\":1}}", 400, "INVALID_PAYLOAD"),
                bad("unknown field", "orders", "{" + OK + ",\"partitonKey\":\"typo\"}", 400, "UNKNOWN_FIELD"),
                bad("malformed JSON", "orders", "{\"payload\": ", 400, "MALFORMED_REQUEST"),
                bad("empty body", "orders", "", 400, "MALFORMED_REQUEST"),
                bad("wrong type", "orders", "{\"payload\":\"aGk=\",\"headers\":[1,2]}", 400, "MALFORMED_REQUEST"),
                bad("unknown op", "orders", "{" + OK + ",\"target\":{\"op\":\"UPSERT\"}}", 400, "INVALID_TARGET"),
                bad(
                        "target option not allowed",
                        "orders",
                        "{" + OK + ",\"target\":{\"options\":{\"table\":\"t\"}}}",
                        400,
                        "INVALID_TARGET"),
                bad(
                        "reserved header",
                        "orders",
                        "{" + OK + ",\"headers\":{\"walgate-attempt\":\"9\"}}",
                        400,
                        "INVALID_HEADER"),
                bad("bad header name", "orders", "{" + OK + ",\"headers\":{\"a b\":\"1\"}}", 400, "INVALID_HEADER"),
                bad("bad content type", "orders", "{" + OK + ",\"contentType\":\"json\"}", 400, "INVALID_HEADER"),
                bad(
                        "idempotency key too long",
                        "orders",
                        "{" + OK + ",\"idempotencyKey\":\"" + "k".repeat(300) + "\"}",
                        400,
                        "INVALID_KEY"),
                bad(
                        "delete with payload",
                        "orders",
                        "{" + OK + ",\"target\":{\"op\":\"DELETE\"}}",
                        400,
                        "INVALID_PAYLOAD"),
                bad("delete without key", "orders", "{\"target\":{\"op\":\"DELETE\"}}", 400, "INVALID_KEY"),
                bad("keyed target without key", "cache-keys", "{\"payload\":\"aGk=\"}", 400, "INVALID_KEY"),
                bad(
                        "http path climbing out of its collection",
                        "orders",
                        "{" + OK + ",\"target\":{\"options\":{\"path\":\"items/../admin\"}}}",
                        400,
                        "INVALID_TARGET"),
                bad(
                        "http path the namespace does not grant",
                        "orders",
                        "{" + OK + ",\"target\":{\"options\":{\"path\":\"admin/users\"}}}",
                        403,
                        "TARGET_NOT_ALLOWED"),
                bad(
                        "http key that is a dot-segment",
                        "orders",
                        "{\"target\":{\"key\":\"..\",\"op\":\"DELETE\"}}",
                        400,
                        "INVALID_KEY"),
                bad(
                        "body names another namespace",
                        "orders",
                        "{" + OK + ",\"namespace\":\"queue\"}",
                        400,
                        "MALFORMED_REQUEST"));
    }

    private static Arguments bad(String what, String namespace, String body, int status, String code) {
        return Arguments.of(what, namespace, body, status, code);
    }

    @ParameterizedTest(name = "{0}: {3} {4}")
    @MethodSource("badWrites")
    void aBadWriteIsRefusedWithItsOwnCodeAndNeverAcked(
            String what, String namespace, String body, int status, String code) {
        given().contentType("application/json")
                .body(body)
                .post("/v1/namespaces/" + namespace + "/entries")
                .then()
                .statusCode(status)
                .contentType("application/problem+json")
                .body("code", equalTo(code))
                .body("durable", equalTo("FALSE"))
                .body("detail", not(emptyOrNullString()));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("wrongCalls")
    void aWriteToAMistypedPathOrWithTheWrongMethodSaysNothingWasWritten(String method, String path, int status) {
        given().contentType("application/json")
                .body("{" + OK + "}")
                .request(method, path)
                .then()
                .statusCode(status)
                .contentType("application/problem+json")
                .body("code", equalTo("MALFORMED_REQUEST"))
                .body("durable", equalTo("FALSE"));
    }

    static Stream<Arguments> wrongCalls() {
        return Stream.of(
                Arguments.of("POST", "/v1/namespaces/orders/entry", 404),
                Arguments.of("POST", "/v1/namespace/orders/entries", 404),
                Arguments.of("PUT", "/v1/namespaces/orders/entries", 405));
    }

    @ParameterizedTest(name = "batch: {0}")
    @MethodSource("badBatches")
    void aBadBatchIsRefusedAsAWhole(String what, String body, int status, String code) {
        given().contentType("application/json")
                .body(body)
                .post("/v1/namespaces/orders/entries/batch")
                .then()
                .statusCode(status)
                .body("code", equalTo(code));
    }

    static Stream<Arguments> badBatches() {
        StringBuilder many = new StringBuilder("{\"entries\":[");
        for (int i = 0; i < 501; i++) {
            many.append(i == 0 ? "" : ",").append("{" + OK + "}");
        }
        many.append("]}");
        return Stream.of(
                Arguments.of("no entries", "{\"entries\":[]}", 400, "MISSING_FIELD"),
                Arguments.of("too many entries", many.toString(), 413, "BATCH_TOO_LARGE"),
                Arguments.of("not a batch", "[1,2,3]", 400, "MALFORMED_REQUEST"));
    }
}
