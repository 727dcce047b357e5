package io.walgate.controller;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile paths, queries, headers and bodies: each is answered with a 4xx problem that carries a
 * code, never a 5xx, and none of them changes anything (the change feed does not move).
 */
@QuarkusTest
@QuarkusTestResource(ControllerDevstack.class)
@TestSecurity(user = "alice", roles = "walgate-admin")
class HostileInputIT {
    /** A namespace that exists, so that hostile If-Match values meet a real version check. */
    static final String FIXTURE = "hostile-fixture";

    private static final String SPEC = json(Specs.kafka("hostile-new", 1));

    static Stream<Arguments> rows() {
        String ns = "/v1/namespaces";
        String fx = ns + "/" + FIXTURE;
        return Stream.of(
                // --- names that cannot exist: not found, before any query -------------------
                row("NUL in a name", "GET", ns + "/x%00", 404, "NAMESPACE_NOT_FOUND"),
                row("NUL in a deleted name", "DELETE", ns + "/x%00", 404, "NAMESPACE_NOT_FOUND"),
                row("NUL in a paused name", "POST", ns + "/x%00/pause", 404, "NAMESPACE_NOT_FOUND"),
                row("NUL in a resumed name", "POST", ns + "/x%00/resume", 404, "NAMESPACE_NOT_FOUND"),
                row("NUL in an audited name", "GET", ns + "/x%00/audit", 404, "NAMESPACE_NOT_FOUND"),
                put("NUL in a replaced name", ns + "/x%00", "\"1\"", SPEC, 404, "NAMESPACE_NOT_FOUND"),
                row("upper case name", "GET", ns + "/Orders", 404, "NAMESPACE_NOT_FOUND"),
                row("non-ASCII name", "GET", ns + "/%C3%A9t%C3%A9", 404, "NAMESPACE_NOT_FOUND"),
                row("invalid UTF-8 in a name", "GET", ns + "/x%FF", 404, "NAMESPACE_NOT_FOUND"),
                row("a name of 65 characters", "GET", ns + "/" + "a".repeat(65), 404, "NAMESPACE_NOT_FOUND"),
                row("a name of spaces", "GET", ns + "/%20%20", 404, "NAMESPACE_NOT_FOUND"),
                // --- list filters and paging ----------------------------------------------
                row("NUL shard", "GET", ns + "?shard=%00", 400, "MALFORMED_REQUEST"),
                row("shard with a quote", "GET", ns + "?shard=a'b", 400, "MALFORMED_REQUEST"),
                row("NUL state", "GET", ns + "?state=%00", 400, "MALFORMED_REQUEST"),
                row("pageToken of a NUL", "GET", ns + "?pageToken=AA", 400, "MALFORMED_REQUEST"),
                row("pageToken of invalid UTF-8", "GET", ns + "?pageToken=_w", 400, "MALFORMED_REQUEST"),
                row("pageToken not base64", "GET", ns + "?pageToken=%25%25%25", 400, "MALFORMED_REQUEST"),
                row("pageSize not a number", "GET", ns + "?pageSize=ten", 400, "MALFORMED_REQUEST"),
                row("pageSize too big for an int", "GET", ns + "?pageSize=99999999999", 400, "MALFORMED_REQUEST"),
                row("pageSize negative", "GET", ns + "?pageSize=-1", 400, "MALFORMED_REQUEST"),
                // --- change feed ----------------------------------------------------------
                row("after not a number", "GET", ns + "/changes?after=abc", 400, "MALFORMED_REQUEST"),
                row("after negative", "GET", ns + "/changes?after=-1", 400, "MALFORMED_REQUEST"),
                row(
                        "after too big for a long",
                        "GET",
                        ns + "/changes?after=99999999999999999999",
                        400,
                        "MALFORMED_REQUEST"),
                row("limit not a number", "GET", ns + "/changes?limit=all", 400, "MALFORMED_REQUEST"),
                row("limit zero", "GET", ns + "/changes?limit=0", 400, "MALFORMED_REQUEST"),
                row("wait of a NUL", "GET", ns + "/changes?wait=%00", 400, "INVALID_DURATION"),
                row("wait negative", "GET", ns + "/changes?wait=PT-1S", 400, "INVALID_DURATION"),
                row("wait overflowing", "GET", ns + "/changes?wait=PT9999999999999999999S", 400, "INVALID_DURATION"),
                row("wait as a number", "GET", ns + "/changes?wait=30", 400, "INVALID_DURATION"),
                // --- audit ----------------------------------------------------------------
                row("audit limit not a number", "GET", fx + "/audit?limit=many", 400, "MALFORMED_REQUEST"),
                // --- If-Match ---------------------------------------------------------------
                put("If-Match naming no version", fx, "\"latest\"", fixtureSpec(), 400, "MALFORMED_REQUEST"),
                put(
                        "If-Match too big for a long",
                        fx,
                        "\"99999999999999999999\"",
                        fixtureSpec(),
                        400,
                        "MALFORMED_REQUEST"),
                put("If-Match listing two versions", fx, "\"1\", \"2\"", fixtureSpec(), 400, "MALFORMED_REQUEST"),
                put("If-Match of an old version", fx, "\"0\"", fixtureSpec(), 412, "VERSION_CONFLICT"),
                delete("delete with If-Match naming no version", fx, "\"x\"", 400, "MALFORMED_REQUEST"),
                delete("delete with a stale If-Match", fx, "\"0\"", 412, "VERSION_CONFLICT"),
                // --- query flags ----------------------------------------------------------
                post("dryRun neither true nor false", ns + "?dryRun=maybe", SPEC, 400, "MALFORMED_REQUEST"),
                // --- bodies: strict JSON --------------------------------------------------
                post("trailing garbage", ns, SPEC + " garbage", 400, "MALFORMED_REQUEST"),
                post("two concatenated objects", ns, SPEC + SPEC, 400, "MALFORMED_REQUEST"),
                post("a duplicate key", ns, SPEC.replaceFirst("\\{", "{\"owner\":\"x\","), 400, "MALFORMED_REQUEST"),
                post("maxDelay as 1e400", ns, withRaw("\"delivery\":{\"maxDelay\":1e400}"), 400, "INVALID_DURATION"),
                post("dedupWindow as 1e400", ns, SPEC.replace("\"PT1H\"", "1e400"), 400, "INVALID_DURATION"),
                post("dedupWindow as a number", ns, SPEC.replace("\"PT1H\"", "3600"), 400, "INVALID_DURATION"),
                post("owner as a number", ns, SPEC.replace("\"team-orders\"", "42"), 400, "MALFORMED_REQUEST"),
                post("owner as a boolean", ns, SPEC.replace("\"team-orders\"", "true"), 400, "MALFORMED_REQUEST"),
                post(
                        "NUL escaped in the owner",
                        ns,
                        SPEC.replace("team-orders", "team\\u0000orders"),
                        422,
                        "INVALID_OWNER"),
                post(
                        "partitions as a fraction",
                        ns,
                        SPEC.replace("\"partitions\":1", "\"partitions\":1.5"),
                        400,
                        "MALFORMED_REQUEST"),
                post(
                        "a region url as a number",
                        ns,
                        SPEC.replace("\"redis://127.0.0.1:6380\"", "6380"),
                        400,
                        "MALFORMED_REQUEST"),
                post(
                        "partitions beyond a long",
                        ns,
                        SPEC.replace("\"partitions\":1", "\"partitions\":99999999999999999999"),
                        400,
                        "MALFORMED_REQUEST"),
                post(
                        "an unpaired high surrogate in the owner",
                        ns,
                        SPEC.replace("team-orders", "team\\ud800orders"),
                        400,
                        "MALFORMED_REQUEST"),
                post(
                        "an unpaired low surrogate in a target option",
                        ns,
                        SPEC.replace(
                                "\"redis://127.0.0.1:6380\"",
                                "\"redis://127.0.0.1:6380\",\"options\":{\"prefix\":\"\\udc00\"}"),
                        400,
                        "MALFORMED_REQUEST"),
                post(
                        "arrays nested 5000 deep in a target option",
                        ns,
                        SPEC.replace(
                                "\"redis://127.0.0.1:6380\"",
                                "\"redis://127.0.0.1:6380\",\"options\":{\"deep\":" + "[".repeat(5000)
                                        + "]".repeat(5000) + "}"),
                        400,
                        "MALFORMED_REQUEST"),
                post("a JSON array", ns, "[" + SPEC + "]", 400, "MALFORMED_REQUEST"),
                post("JSON null", ns, "null", 400, "MALFORMED_REQUEST"),
                row(
                        "invalid UTF-8 in the body",
                        "POST",
                        ns,
                        Map.of(),
                        invalidUtf8(SPEC.replace("team-orders", "team-\u0001orders")),
                        400,
                        "MALFORMED_REQUEST"),
                // --- the HTTP layer -------------------------------------------------------
                post("a body over the limit", ns, " ".repeat(1_100_000) + SPEC, 413, "PAYLOAD_TOO_LARGE"),
                row("a URI of 10,000 characters", "GET", ns + "/" + "a".repeat(10_000), 414, "MALFORMED_REQUEST"),
                row("a method nobody takes", "PATCH", fx, 405, "MALFORMED_REQUEST"),
                row("a path nobody serves", "GET", ns + "/changes/more", 404, "MALFORMED_REQUEST"));
    }

    /** Created on first use: the application is not up yet when JUnit runs a @BeforeAll. */
    private static void ensureFixture() {
        if (given().get("/v1/namespaces/" + FIXTURE).statusCode() == 404) {
            given().contentType("application/json")
                    .body(fixtureSpec())
                    .post("/v1/namespaces")
                    .then()
                    .statusCode(201);
        }
    }

    @ParameterizedTest(name = "{0}: {1} {2} -> {5} {6}")
    @MethodSource("rows")
    void aHostileRequestIsRefusedWithACodeAndChangesNothing(
            String what,
            String method,
            String path,
            Map<String, String> headers,
            byte[] body,
            int status,
            String code) {
        ensureFixture();
        long before = latestVersion();
        RequestSpecification request = given().urlEncodingEnabled(false).headers(headers);
        if (body != null) {
            request = request.contentType("application/json").body(body);
        }
        Response response = request.request(method, path);

        assertThat(response.statusCode()).as(what + ": never a 5xx").isLessThan(500);
        assertThat(response.contentType()).as(what).startsWith("application/problem+json");
        assertThat(response.jsonPath().getString("code")).as(what).isEqualTo(code);
        assertThat(response.statusCode()).as(what).isEqualTo(status);
        assertThat(latestVersion()).as(what + ": nothing changed").isEqualTo(before);
        assertThat(given().get("/v1/namespaces/hostile-new").statusCode())
                .as(what + ": nothing created")
                .isEqualTo(404);
    }

    private static long latestVersion() {
        long after = 0;
        while (true) {
            JsonPath page = given().queryParam("after", after)
                    .queryParam("limit", 5000)
                    .get("/v1/namespaces/changes")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            if (page.getList("changes").isEmpty()) {
                return after;
            }
            after = page.getLong("lastVersion");
        }
    }

    private static String fixtureSpec() {
        return json(Specs.kafka(FIXTURE, 1));
    }

    /** The test spec with one more top-level member, written as raw JSON. */
    private static String withRaw(String member) {
        return SPEC.substring(0, SPEC.length() - 1) + "," + member + "}";
    }

    /** The body's bytes with its U+0001 turned into a byte that is never valid UTF-8. */
    private static byte[] invalidUtf8(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0x01) {
                bytes[i] = (byte) 0xFF;
            }
        }
        return bytes;
    }

    private static String json(Map<String, Object> spec) {
        try {
            return new ObjectMapper().writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Arguments row(String what, String method, String path, int status, String code) {
        return row(what, method, path, Map.of(), null, status, code);
    }

    private static Arguments row(
            String what,
            String method,
            String path,
            Map<String, String> headers,
            byte[] body,
            int status,
            String code) {
        return Arguments.of(what, method, path, headers, body, status, code);
    }

    private static Arguments post(String what, String path, String body, int status, String code) {
        return row(what, "POST", path, Map.of(), body.getBytes(StandardCharsets.UTF_8), status, code);
    }

    private static Arguments put(String what, String path, String ifMatch, String body, int status, String code) {
        return row(what, "PUT", path, Map.of("If-Match", ifMatch), body.getBytes(StandardCharsets.UTF_8), status, code);
    }

    private static Arguments delete(String what, String path, String ifMatch, int status, String code) {
        return row(what, "DELETE", path, Map.of("If-Match", ifMatch), null, status, code);
    }
}
