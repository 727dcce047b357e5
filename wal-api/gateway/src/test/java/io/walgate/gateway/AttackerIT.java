package io.walgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.walgate.api.v1.Target;
import io.walgate.api.v1.WriteToLogRequest;
import io.walgate.devstack.KeycloakServer;
import io.walgate.gateway.grpc.GrpcErrors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An attacker's suite against the secured stack: team A (writer {@code svc-orders}) and team
 * checkout (writer {@code svc-checkout}, operators the role {@code team-checkout}, e.g. {@code
 * alice}), strangers, and tokens that are not Walgate's. Each refusal is checked for its code and
 * for what it did not do: nothing reaches a log that was not granted.
 */
@ExtendWith(SecuredStack.Extension.class)
class AttackerIT {
    /** Team checkout's namespaces, one per target type whose entries can choose where they go. */
    private static final Map<String, String> CHECKOUT = new LinkedHashMap<>();

    static {
        CHECKOUT.put(
                "checkout-pg",
                target("postgres", "postgresql://127.0.0.1:9/shop", "table", "orders", "orders_archive"));
        CHECKOUT.put("checkout-kafka", target("kafka", "kafka://127.0.0.1:9", "topic", "checkout.out", "checkout.*"));
        CHECKOUT.put("checkout-wal", target("wal", "http://127.0.0.1:9", "namespace", "checkout-eu", "checkout-us"));
        CHECKOUT.put("checkout-http", target("http", "http://127.0.0.1:9", "path", "orders", "orders/*"));
    }

    /** What an entry of each namespace may choose, what it may not, and what is Walgate's own. */
    private static final Map<String, List<String>> GRANTED = Map.of(
            "checkout-pg", List.of("table", "orders", "orders_archive"),
            "checkout-kafka", List.of("topic", "checkout.out", "checkout.eu"),
            "checkout-wal", List.of("namespace", "checkout-eu", "checkout-us"),
            "checkout-http", List.of("path", "orders", "orders/eu"));

    private static final Map<String, List<String>> REFUSED = Map.of(
            "checkout-pg", List.of("users", "public.orders", "pg_catalog.pg_authid"),
            "checkout-kafka", List.of("payments", "wal.orders", "wal.checkout-pg", "checkout"),
            "checkout-wal", List.of("orders", "checkout-pg"),
            "checkout-http", List.of("admin", "orders-admin", "payments/orders"));

    private static SecuredStack stack;
    private static Admin kafka;

    private static String target(String type, String url, String option, String own, String allowed) {
        return "{\"type\":\"" + type + "\",\"regions\":{\"local\":{\"url\":\"" + url + "\",\"options\":{\"" + option
                + "\":\"" + own + "\"}}},\"allow\":{\"" + option + "\":[\"" + allowed + "\"]}}";
    }

    @BeforeAll
    static void start(SecuredStack secured) {
        stack = secured;
        Properties props = new Properties();
        props.put(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.devstack.kafka().bootstrapServers());
        kafka = Admin.create(props);
        stack.createReady(
                "team-a",
                "{\"name\":\"team-a\",\"owner\":\"team-a\",\"backend\":{\"type\":\"kafka\",\"partitions\":1},"
                        + "\"target\":{\"type\":\"http\",\"regions\":{\"local\":{\"url\":\"http://127.0.0.1:9\"}}},"
                        + "\"access\":{\"writers\":[\"svc-orders\"],\"operators\":[\"user:oncall\"]}}",
                teamA());
        CHECKOUT.forEach((name, target) -> stack.createReady(
                name,
                "{\"name\":\"" + name
                        + "\",\"owner\":\"team-checkout\",\"backend\":{\"type\":\"kafka\",\"partitions\":1},"
                        + "\"target\":" + target + ",\"access\":{\"writers\":[\"client:svc-checkout\"],"
                        + "\"operators\":[\"role:team-checkout\"]}}",
                checkout()));
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static String teamA() {
        return stack.clientToken(KeycloakServer.WRITER_CLIENT, KeycloakServer.WRITER_SECRET);
    }

    private static String checkout() {
        return stack.clientToken(KeycloakServer.CHECKOUT_CLIENT, KeycloakServer.CHECKOUT_SECRET);
    }

    private static String stranger() {
        return stack.clientToken(KeycloakServer.STRANGER_CLIENT, KeycloakServer.STRANGER_SECRET);
    }

    // --- the data plane ------------------------------------------------------------------------

    @Test
    void teamAsWriterCannotWriteToTeamCheckoutsNamespacesWithAnyTargetOptionOnRestOrGrpc() throws Exception {
        String attacker = teamA();
        Map<String, Long> before = entries();
        for (String ns : CHECKOUT.keySet()) {
            List<Map<String, String>> tries = new ArrayList<>();
            tries.add(Map.of());
            String option = GRANTED.get(ns).get(0);
            GRANTED.get(ns).subList(1, 3).forEach(v -> tries.add(Map.of(option, v)));
            REFUSED.get(ns).forEach(v -> tries.add(Map.of(option, v)));
            for (Map<String, String> options : tries) {
                rest(attacker, ns, options)
                        .then()
                        .statusCode(404)
                        .body("code", equalTo("NAMESPACE_NOT_FOUND"))
                        .body("durable", equalTo("FALSE"));
                assertThat(grpcRefusal(attacker, ns, options).getCode()).isEqualTo(Status.Code.NOT_FOUND);
            }
        }
        assertThat(entries()).as("no log of team checkout holds anything more").isEqualTo(before);
    }

    @Test
    void teamCheckoutsWriterSendsOnlyWhereItsNamespacesAllowAndNeverIntoWalgatesOwnTopics() throws Exception {
        String writer = checkout();
        Map<String, Long> before = entries();
        Map<String, Long> expected = new HashMap<>(before);
        for (String ns : CHECKOUT.keySet()) {
            String option = GRANTED.get(ns).get(0);
            for (String granted : GRANTED.get(ns).subList(1, 3)) {
                rest(writer, ns, Map.of(option, granted)).then().statusCode(201);
                stack.grpc(writer).writeToLog(grpcEntry(ns, Map.of(option, granted)));
                expected.merge(ns, 2L, Long::sum);
            }
            for (String refused : REFUSED.get(ns)) {
                rest(writer, ns, Map.of(option, refused))
                        .then()
                        .statusCode(403)
                        .body("code", equalTo("TARGET_NOT_ALLOWED"))
                        .body("violations[0].field", equalTo("target.options." + option))
                        .body("durable", equalTo("FALSE"));
                Status status = grpcRefusal(writer, ns, Map.of(option, refused));
                assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            }
        }
        assertThat(entries()).as("only the granted entries reached the logs").isEqualTo(expected);
    }

    @Test
    void aTokenThatIsNotAWalgateAccessTokenIsRefusedOnEveryApi() throws Exception {
        KeycloakServer keycloak = stack.keycloak();
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("malformed", "not.a.jwt");
        bad.put("forged", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl");
        bad.put(
                "another realm's, same client id and secret",
                SecuredStack.accessToken(() -> keycloak.clientCredentialsToken(
                        KeycloakServer.STRANGER_REALM, KeycloakServer.WRITER_CLIENT, KeycloakServer.WRITER_SECRET)));
        bad.put(
                "without Walgate's audience, admin role and all",
                stack.clientToken(KeycloakServer.NO_AUDIENCE_CLIENT, KeycloakServer.NO_AUDIENCE_SECRET));
        bad.put("an ID token", SecuredStack.token(() -> keycloak.passwordToken("alice", "alice"), "id_token"));
        bad.put("none", null);
        bad.forEach((what, token) -> assertUnauthenticatedEverywhere(what, token));
    }

    @Test
    void anExpiredTokenIsRefusedOnceItsBoundedGraceIsOver() {
        String token = stack.clientToken(KeycloakServer.SHORT_LIVED_CLIENT, KeycloakServer.SHORT_LIVED_SECRET);
        // Valid when issued (a stranger to every namespace, but known): refused with 200 on the list.
        stack.controller(token).get("/v1/namespaces").then().statusCode(200);
        await().atMost(Duration.ofSeconds(40))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> stack.controller(token).get("/v1/namespaces").statusCode() == 401);
        assertUnauthenticatedEverywhere("expired", token);
    }

    private void assertUnauthenticatedEverywhere(String what, String token) {
        stack.controller(token).get("/v1/namespaces").then().statusCode(401).body("code", equalTo("UNAUTHENTICATED"));
        stack.controller(token)
                .get("/v1/namespaces/changes?after=-1")
                .then()
                .statusCode(401)
                .body("code", equalTo("UNAUTHENTICATED"));
        stack.controller(token)
                .post("/v1/namespaces/checkout-pg/pause")
                .then()
                .statusCode(401)
                .body("code", equalTo("UNAUTHENTICATED"));
        rest(token, "checkout-pg", Map.of()).then().statusCode(401).body("code", equalTo("UNAUTHENTICATED"));
        Status grpc = grpcRefusal(token, "checkout-pg", Map.of());
        assertThat(grpc.getCode()).as(what).isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    @Test
    void aStrangersBatchIsRefusedEntryByEntryExactlyAsForAMissingNamespace() throws Exception {
        String attacker = teamA();
        Map<String, Long> before = entries();
        Map<String, Object> body = Map.of(
                "entries",
                List.of(
                        Map.of("payload", SecuredStack.PAYLOAD, "target", Map.of("key", "k1")),
                        Map.of("payload", SecuredStack.PAYLOAD, "target", Map.of("key", "k2"))));
        String hidden = stack.gateway(attacker)
                .contentType(ContentType.JSON)
                .body(body)
                .post("/v1/namespaces/checkout-pg/entries/batch")
                .asString();
        String missing = stack.gateway(attacker)
                .contentType(ContentType.JSON)
                .body(body)
                .post("/v1/namespaces/checkout-px/entries/batch")
                .asString();

        assertThat(hidden).contains("NAMESPACE_NOT_FOUND").isEqualTo(missing.replace("checkout-px", "checkout-pg"));
        assertThat(entries()).isEqualTo(before);
    }

    @Test
    void theApiPortsShowNoMetricsHealthOrOpenApi() {
        for (String inside : List.of("/q/metrics", "/q/health/ready", "/q/openapi")) {
            assertThat(stack.gateway(null).get(inside).statusCode())
                    .as("gateway " + inside)
                    .isEqualTo(404);
            assertThat(stack.controller(null).get(inside).statusCode())
                    .as("controller " + inside)
                    .isIn(401, 404);
        }
    }

    // --- the control plane ---------------------------------------------------------------------

    @Test
    void noSpecHoldsAPasswordInClearAndAReferenceIsReadBackAsWritten() {
        String admin = stack.admin();
        String inClear = "{\"name\":\"checkout-secret\",\"owner\":\"team-checkout\",\"backend\":{\"type\":\"kafka\","
                + "\"partitions\":1},\"target\":{\"type\":\"postgres\",\"regions\":{\"local\":{\"url\":"
                + "\"postgresql://app:%s@127.0.0.1:9/shop\"}}},\"access\":{\"operators\":[\"role:team-checkout\"]}}";
        stack.controller(admin)
                .contentType(ContentType.JSON)
                .body(String.format(inClear, "hunter2"))
                .post("/v1/namespaces")
                .then()
                .statusCode(422)
                .body("code", equalTo("INVALID_TARGET_URL"));
        stack.controller(admin)
                .contentType(ContentType.JSON)
                .body(String.format(inClear, "${secret:checkout-db}"))
                .post("/v1/namespaces")
                .then()
                .statusCode(201);
        String read = stack.controller(stack.personToken("alice"))
                .get("/v1/namespaces/checkout-secret")
                .asString();
        assertThat(read)
                .contains("postgresql://app:${secret:checkout-db}@127.0.0.1:9/shop")
                .doesNotContain("hunter2");
    }

    @Test
    void aStrangersValidTokenReadsNothingAndCannotTellWhichNamespacesExist() {
        String stranger = stranger();
        List<String> listed = stack.controller(stranger)
                .get("/v1/namespaces")
                .then()
                .statusCode(200)
                .extract()
                .path("items.name");
        assertThat(listed).isEmpty();
        for (String path : List.of("", "/audit")) {
            Response existing = stack.controller(stranger).get("/v1/namespaces/checkout-pg" + path);
            Response missing = stack.controller(stranger).get("/v1/namespaces/checkout-px" + path);
            assertThat(existing.statusCode()).isEqualTo(404).isEqualTo(missing.statusCode());
            assertThat(existing.asString()).isEqualTo(missing.asString().replace("checkout-px", "checkout-pg"));
        }
        Response pause = stack.controller(stranger).post("/v1/namespaces/checkout-pg/pause");
        Response pauseMissing = stack.controller(stranger).post("/v1/namespaces/checkout-px/pause");
        assertThat(pause.asString()).isEqualTo(pauseMissing.asString().replace("checkout-px", "checkout-pg"));
        Response write = rest(stranger, "checkout-pg", Map.of());
        Response writeMissing = rest(stranger, "checkout-px", Map.of());
        assertThat(write.statusCode()).isEqualTo(404);
        assertThat(write.asString()).isEqualTo(writeMissing.asString().replace("checkout-px", "checkout-pg"));
        stack.controller(stranger)
                .get("/v1/namespaces/changes")
                .then()
                .statusCode(403)
                .body("code", equalTo("FORBIDDEN"));
    }

    @Test
    void aWriterReadsItsNamespaceButCannotCreateChangePauseOrDelete() {
        String writer = checkout();
        Response read = stack.controller(writer).get("/v1/namespaces/checkout-http");
        read.then().statusCode(200);
        String etag = read.header("ETag");
        String spec = read.jsonPath().prettify();
        stack.controller(writer)
                .contentType(ContentType.JSON)
                .body("{\"name\":\"checkout-new\",\"owner\":\"x\",\"backend\":{\"type\":\"kafka\"}," + "\"target\":"
                        + CHECKOUT.get("checkout-http") + "}")
                .post("/v1/namespaces")
                .then()
                .statusCode(403)
                .body("code", equalTo("FORBIDDEN"));
        stack.controller(writer)
                .header("If-Match", etag)
                .contentType(ContentType.JSON)
                .body(read.jsonPath().getMap("spec"))
                .put("/v1/namespaces/checkout-http")
                .then()
                .statusCode(403);
        stack.controller(writer)
                .post("/v1/namespaces/checkout-http/pause")
                .then()
                .statusCode(403);
        stack.controller(writer)
                .get("/v1/namespaces/checkout-http/audit")
                .then()
                .statusCode(403);
        stack.controller(writer)
                .header("If-Match", etag)
                .delete("/v1/namespaces/checkout-http")
                .then()
                .statusCode(403);
        assertThat(stack.controller(writer).get("/v1/namespaces/checkout-http").header("ETag"))
                .as("unchanged: %s", spec)
                .isEqualTo(etag);
    }

    @Test
    void anOperatorPausesOnlyTheirTeamsNamespacesAndTheAuditLogNamesThem() {
        String alice = stack.personToken("alice");
        List<String> listed = stack.controller(alice)
                .get("/v1/namespaces")
                .then()
                .statusCode(200)
                .extract()
                .path("items.name");
        assertThat(listed).containsAll(CHECKOUT.keySet()).allMatch(name -> name.startsWith("checkout-"));

        stack.controller(alice)
                .post("/v1/namespaces/checkout-wal/pause")
                .then()
                .statusCode(200)
                .body("spec.state", equalTo("PAUSED"));
        stack.controller(alice)
                .post("/v1/namespaces/checkout-wal/resume")
                .then()
                .statusCode(200)
                .body("spec.state", equalTo("ACTIVE"));
        stack.controller(alice)
                .post("/v1/namespaces/team-a/pause")
                .then()
                .statusCode(404)
                .body("code", equalTo("NAMESPACE_NOT_FOUND"));

        List<Map<String, Object>> audit = stack.controller(alice)
                .get("/v1/namespaces/checkout-wal/audit")
                .then()
                .statusCode(200)
                .extract()
                .path("$");
        assertThat(audit.subList(0, 2))
                .extracting(a -> a.get("action") + " by " + a.get("actor"))
                .containsExactly("RESUME by user:alice", "PAUSE by user:alice");
        assertThat(audit).extracting(a -> a.get("actor")).contains("client:walgate-admin");
        stack.controller(alice)
                .contentType(ContentType.JSON)
                .body("{}")
                .post("/v1/namespaces")
                .then()
                .statusCode(403);
    }

    @Test
    void theAdminSeesAndOperatesEveryNamespaceAndOnlyTheFeedRoleAndAdminFollowTheFeed() {
        String admin = stack.admin();
        List<String> listed = stack.controller(admin)
                .get("/v1/namespaces")
                .then()
                .statusCode(200)
                .extract()
                .path("items.name");
        assertThat(listed).contains("team-a").containsAll(CHECKOUT.keySet());
        stack.controller(admin).post("/v1/namespaces/team-a/pause").then().statusCode(200);
        stack.controller(admin).post("/v1/namespaces/team-a/resume").then().statusCode(200);
        stack.controller(admin).get("/v1/namespaces/changes").then().statusCode(200);
        String services = stack.clientToken(KeycloakServer.SERVICES_CLIENT, KeycloakServer.SERVICES_SECRET);
        stack.controller(services).get("/v1/namespaces/changes").then().statusCode(200);
        stack.controller(checkout()).get("/v1/namespaces/changes").then().statusCode(403);
    }

    // --- helpers -------------------------------------------------------------------------------

    private static Response rest(String bearer, String ns, Map<String, String> options) {
        Map<String, Object> target = new HashMap<>();
        target.put("key", "k1");
        target.put("options", options);
        return stack.gateway(bearer)
                .contentType(ContentType.JSON)
                .body(Map.of("payload", SecuredStack.PAYLOAD, "target", target))
                .post("/v1/namespaces/" + ns + "/entries");
    }

    private static WriteToLogRequest grpcEntry(String ns, Map<String, String> options) {
        return WriteToLogRequest.newBuilder()
                .setNamespace(ns)
                .setPayload(ByteString.copyFrom(Base64.getDecoder().decode(SecuredStack.PAYLOAD)))
                .setTarget(Target.newBuilder().setKey("k1").putAllOptions(options))
                .build();
    }

    private static Status grpcRefusal(String bearer, String ns, Map<String, String> options) {
        StatusRuntimeException e = catchThrowableOfType(
                StatusRuntimeException.class, () -> stack.grpc(bearer).writeToLog(grpcEntry(ns, options)));
        assertThat(e).as("refused: %s %s", ns, options).isNotNull();
        if (e.getStatus().getCode() == Status.Code.PERMISSION_DENIED) {
            assertThat(e.getTrailers().get(GrpcErrors.CODE)).isIn("TARGET_NOT_ALLOWED", "FORBIDDEN");
        }
        return e.getStatus();
    }

    /** Entries in each of team checkout's logs (one partition each). */
    private static Map<String, Long> entries() throws Exception {
        Map<TopicPartition, OffsetSpec> latest = CHECKOUT.keySet().stream()
                .collect(Collectors.toMap(ns -> new TopicPartition("wal." + ns, 0), ns -> OffsetSpec.latest()));
        var offsets = kafka.listOffsets(latest).all().get();
        return CHECKOUT.keySet().stream()
                .collect(Collectors.toMap(
                        ns -> ns,
                        ns -> offsets.get(new TopicPartition("wal." + ns, 0)).offset()));
    }
}
