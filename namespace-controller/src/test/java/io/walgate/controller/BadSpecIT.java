package io.walgate.controller;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kind of bad spec gets a 4xx problem with its own code and the field at fault; none a 500. */
@QuarkusTest
@QuarkusTestResource(ControllerDevstack.class)
@TestSecurity(user = "alice", roles = "walgate-admin")
class BadSpecIT {

    static Stream<Arguments> badSpecs() {
        return Stream.of(
                bad("upper-case name", 422, "INVALID_NAMESPACE_NAME", "name", s -> Specs.with(s, "name", "Orders")),
                bad("reserved name", 422, "INVALID_NAMESPACE_NAME", "name", s -> Specs.with(s, "name", "changes")),
                bad("bad shard", 422, "INVALID_SHARD", "shard", s -> Specs.with(s, "shard", "Shard One")),
                bad("no owner", 422, "INVALID_OWNER", "owner", s -> Specs.with(s, "owner", null)),
                bad("created deleted", 422, "INVALID_STATE", "state", s -> Specs.with(s, "state", "DELETED")),
                bad("unknown state", 422, "INVALID_STATE", "state", s -> Specs.with(s, "state", "SLEEPING")),
                bad("no backend", 422, "INVALID_BACKEND", "backend.type", s -> Specs.with(s, "backend", null)),
                bad(
                        "unknown backend",
                        422,
                        "INVALID_BACKEND",
                        "backend.type",
                        s -> Specs.with(s, "backend.type", "mysql")),
                bad(
                        "zero partitions",
                        422,
                        "INVALID_PARTITIONS",
                        "backend.partitions",
                        s -> Specs.with(s, "backend.partitions", 0)),
                bad(
                        "bad topic",
                        422,
                        "INVALID_RESOURCE_NAME",
                        "backend.topic",
                        s -> Specs.with(s, "backend.topic", "wal/x")),
                bad(
                        "delay too long",
                        422,
                        "INVALID_MAX_DELAY",
                        "delivery.maxDelay",
                        s -> Specs.with(s, "delivery.maxDelay", "P60D")),
                bad(
                        "not a duration",
                        400,
                        "INVALID_DURATION",
                        "delivery.maxDelay",
                        s -> Specs.with(s, "delivery.maxDelay", "7 days")),
                bad(
                        "no attempts",
                        422,
                        "INVALID_MAX_ATTEMPTS",
                        "retry.maxAttempts",
                        s -> Specs.with(s, "retry.maxAttempts", 0)),
                bad(
                        "backoff upside down",
                        422,
                        "INVALID_BACKOFF",
                        "retry.initialBackoff",
                        s -> Specs.with(s, "retry.initialBackoff", "PT2M")),
                bad(
                        "multiplier too big",
                        422,
                        "INVALID_MULTIPLIER",
                        "retry.multiplier",
                        s -> Specs.with(s, "retry.multiplier", 50)),
                bad("no target", 422, "INVALID_TARGET_TYPE", "target.type", s -> Specs.with(s, "target", null)),
                bad(
                        "unknown target",
                        422,
                        "INVALID_TARGET_TYPE",
                        "target.type",
                        s -> Specs.with(s, "target.type", "mongo")),
                bad(
                        "no regions",
                        422,
                        "INVALID_REGION",
                        "target.regions",
                        s -> Specs.with(s, "target.regions", Map.of())),
                bad(
                        "wrong url scheme",
                        422,
                        "INVALID_TARGET_URL",
                        "target.regions.local.url",
                        s -> Specs.with(s, "target.regions.local.url", "http://cache:6379")),
                bad(
                        "zero payload limit",
                        422,
                        "INVALID_PAYLOAD_LIMIT",
                        "limits.maxPayloadBytes",
                        s -> Specs.with(s, "limits.maxPayloadBytes", 0)),
                bad(
                        "zero rate",
                        422,
                        "INVALID_RATE_LIMIT",
                        "limits.writesPerSecond",
                        s -> Specs.with(s, "limits.writesPerSecond", 0)),
                bad(
                        "dedup too long",
                        422,
                        "INVALID_DEDUP_WINDOW",
                        "limits.dedupWindow",
                        s -> Specs.with(s, "limits.dedupWindow", "P30D")),
                bad(
                        "blank writer",
                        422,
                        "INVALID_ACCESS",
                        "access.writers[0]",
                        s -> Specs.with(s, "access.writers", List.of(" "))),
                bad(
                        "unknown field",
                        400,
                        "UNKNOWN_FIELD",
                        "retry.maxAttemps",
                        s -> Specs.with(s, "retry.maxAttemps", 3)),
                bad("unknown top-level field", 400, "UNKNOWN_FIELD", "replicas", s -> Specs.with(s, "replicas", 3)),
                bad(
                        "wrong type",
                        400,
                        "MALFORMED_REQUEST",
                        "retry.maxAttempts",
                        s -> Specs.with(s, "retry.maxAttempts", "many")));
    }

    private static Arguments bad(
            String what, int status, String code, String field, UnaryOperator<Map<String, Object>> breakIt) {
        return Arguments.of(what, status, code, field, breakIt);
    }

    @ParameterizedTest(name = "{0}: {1} {2}")
    @MethodSource("badSpecs")
    void aBadSpecIsRefusedWithItsOwnCodeAndField(
            String what, int status, String code, String field, UnaryOperator<Map<String, Object>> breakIt) {
        Map<String, Object> spec = breakIt.apply(Specs.kafka("bad-spec", 3));
        given().contentType(ContentType.JSON)
                .body(spec)
                .post("/v1/namespaces")
                .then()
                .statusCode(status)
                .contentType("application/problem+json")
                .body("code", equalTo(code))
                .body("type", equalTo("urn:walgate:problem:" + code))
                .body("violations[0].field", equalTo(field))
                .body("detail", not(emptyOrNullString()));
        given().get("/v1/namespaces/bad-spec").then().statusCode(404);
    }

    @Test
    void aBodyThatIsNotJsonIsAMalformedRequest() {
        given().contentType(ContentType.JSON)
                .body("{\"name\": ")
                .post("/v1/namespaces")
                .then()
                .statusCode(400)
                .body("code", equalTo("MALFORMED_REQUEST"));
        given().contentType(ContentType.JSON)
                .body("")
                .post("/v1/namespaces")
                .then()
                .statusCode(400)
                .body("code", equalTo("MALFORMED_REQUEST"));
    }

    @Test
    void severalMistakesAreReportedTogether() {
        Map<String, Object> spec =
                Specs.with(Specs.with(Specs.kafka("several", 3), "owner", null), "limits.writesPerSecond", 0);
        given().contentType(ContentType.JSON)
                .body(spec)
                .post("/v1/namespaces")
                .then()
                .statusCode(422)
                .body("violations.field", equalTo(List.of("owner", "limits.writesPerSecond")));
    }

    @Test
    void badQueryParametersAreRefusedNotIgnored() {
        given().queryParam("wait", "soon")
                .get("/v1/namespaces/changes")
                .then()
                .statusCode(400)
                .body("code", equalTo("INVALID_DURATION"));
        given().queryParam("pageSize", 0)
                .get("/v1/namespaces")
                .then()
                .statusCode(400)
                .body("code", equalTo("MALFORMED_REQUEST"));
        given().queryParam("pageToken", "%%%")
                .get("/v1/namespaces")
                .then()
                .statusCode(400)
                .body("code", equalTo("MALFORMED_REQUEST"));
        given().queryParam("state", "GONE")
                .get("/v1/namespaces")
                .then()
                .statusCode(400)
                .body("code", equalTo("MALFORMED_REQUEST"));
    }
}
