package io.walgate.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.EnvelopeCodec;
import io.walgate.contract.entry.TargetOp;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

@QuarkusTest
@QuarkusTestResource(GatewayDevstack.class)
@TestSecurity(user = "svc-orders")
class GatewayIT {
    /** Quarkus' management interface: health and metrics, on a port of their own. */
    @TestHTTPResource(value = "/", management = true)
    URL management;

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonPath write(String namespace, Map<String, Object> body) {
        return given().contentType(ContentType.JSON)
                .body(body)
                .post("/v1/namespaces/" + namespace + "/entries")
                .then()
                .statusCode(201)
                .body("durable", equalTo("TRUE"))
                .body("namespace", equalTo(namespace))
                .extract()
                .jsonPath();
    }

    @Test
    void aRestWriteLandsOnTheTopicWithItsWholeEnvelope() {
        String id = write(
                        "orders",
                        Map.of(
                                "payload", b64("hello"),
                                "partitionKey", "order-42",
                                "idempotencyKey", "c0ffee",
                                "lifecycle", Map.of("originalWriteTime", "2026-11-27T11:59:59Z"),
                                "target", Map.of("key", "row-42", "op", "PUT"),
                                "headers", Map.of("source", "checkout")))
                .getString("entryId");

        Envelope e = LogReader.read("wal.orders", 1, x -> x.id().toString().equals(id))
                .get(0);
        assertThat(new String(e.payload(), StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(e.partitionKey()).isEqualTo("order-42");
        assertThat(e.idempotencyKey()).isEqualTo("c0ffee");
        assertThat(e.target().key()).isEqualTo("row-42");
        assertThat(e.target().op()).isEqualTo(TargetOp.PUT);
        assertThat(e.headers()).containsEntry("source", "checkout");
        assertThat(e.originalWriteTime()).isEqualTo(Instant.parse("2026-11-27T11:59:59Z"));
        assertThat(e.attempt()).isEqualTo(1);
        assertThat(e.namespace()).isEqualTo("orders");
    }

    @Test
    void aJsonPayloadIsStoredAsItsTextWithAJsonContentType() {
        String id = write("orders", Map.of("json", Map.of("total", 12.5), "partitionKey", "o-1"))
                .getString("entryId");
        Envelope e = LogReader.read("wal.orders", 1, x -> x.id().toString().equals(id))
                .get(0);
        assertThat(new String(e.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"total\":12.5}");
        assertThat(e.contentType()).isEqualTo("application/json");
    }

    @Test
    void theTraceContextOfTheCallTravelsInTheEnvelope() {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        String id = given().contentType(ContentType.JSON)
                .header("traceparent", traceparent)
                .body(Map.of("payload", b64("t"), "partitionKey", "k"))
                .post("/v1/namespaces/orders/entries")
                .then()
                .statusCode(201)
                .extract()
                .path("entryId");
        assertThat(LogReader.read("wal.orders", 1, x -> x.id().toString().equals(id))
                        .get(0)
                        .traceparent())
                .isEqualTo(traceparent);
    }

    @Test
    void aDelayedKafkaWriteWaitsInItsDelayTier() {
        String id = write(
                        "orders",
                        Map.of("payload", b64("later"), "partitionKey", "k", "lifecycle", Map.of("delay", "PT45S")))
                .getString("entryId");
        Envelope e = LogReader.read(
                        "wal.orders.delay.30s", 1, x -> x.id().toString().equals(id))
                .get(0);
        assertThat(e.deliverAt()).isAfter(e.acceptedAt().plusSeconds(44));
    }

    @Test
    void entriesOfOneKeyReachTheLogInTheOrderTheyWereWritten() {
        String key = "ordered-" + System.nanoTime();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ids.add(write("orders", Map.of("payload", b64("v" + i), "partitionKey", key))
                    .getString("entryId"));
        }
        List<Envelope> read = LogReader.read("wal.orders", ids.size(), x -> key.equals(x.partitionKey()));
        assertThat(read).extracting(x -> x.id().toString()).containsExactlyElementsOf(ids);
    }

    @Test
    void anSqsWriteLandsInTheQueueAndADelayedOneStaysInvisibleUntilDue() throws Exception {
        String now = write("queue", Map.of("payload", b64("now"), "partitionKey", "k"))
                .getString("entryId");
        String later = write(
                        "queue",
                        Map.of("payload", b64("later"), "partitionKey", "k", "lifecycle", Map.of("delay", "PT4S")))
                .getString("entryId");
        try (SqsClient sqs = SqsClient.builder()
                .endpointOverride(URI.create(GatewayDevstack.devstack().sqs().endpoint()))
                .region(Region.of("elasticmq"))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build()) {
            String url = sqs.getQueueUrl(b -> b.queueName("wal-queue")).queueUrl();
            List<String> first = ids(sqs.receiveMessage(
                            b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1))
                    .messages());
            assertThat(first).contains(now).doesNotContain(later);
            List<String> after = new ArrayList<>();
            for (int i = 0; i < 15 && !after.contains(later); i++) {
                after.addAll(ids(sqs.receiveMessage(
                                b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1))
                        .messages()));
            }
            assertThat(after).contains(later);
        }
    }

    private static List<String> ids(List<Message> messages) {
        return messages.stream()
                .map(m -> EnvelopeCodec.decode(Base64.getDecoder().decode(m.body()))
                        .id()
                        .toString())
                .toList();
    }

    @Test
    void aBatchAnswersEveryEntryInOrderAndABadOneFailsAlone() {
        JsonPath results = given().contentType(ContentType.JSON)
                .body(Map.of(
                        "entries",
                        List.of(
                                Map.of("payload", b64("a"), "partitionKey", "k"),
                                Map.of("payload", b64("b"), "partitionKey", "k", "lifecycle", Map.of("delay", "-PT1S")),
                                Map.of("payload", "%%%not-base64", "partitionKey", "k"),
                                Map.of("payload", b64("d"), "partitionKey", "k"))))
                .post("/v1/namespaces/orders/entries/batch")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(results.getList("durable", String.class)).containsExactly("TRUE", "FALSE", "FALSE", "TRUE");
        assertThat(results.getList("code", String.class))
                .containsExactly(null, "INVALID_LIFECYCLE", "INVALID_PAYLOAD", null);
        assertThat(results.getString("[0].entryId")).isNotNull();
        assertThat(results.getString("[3].entryId")).isNotNull();
    }

    @Test
    void aNamespaceOverItsRateIsAnswered429WithRetryAfter() {
        given().contentType(ContentType.JSON).body(Map.of("payload", b64("1"))).post("/v1/namespaces/slow/entries");
        given().contentType(ContentType.JSON)
                .body(Map.of("payload", b64("2")))
                .post("/v1/namespaces/slow/entries")
                .then()
                .statusCode(429)
                .header("Retry-After", notNullValue())
                .body("code", equalTo("RATE_LIMITED"))
                .body("durable", equalTo("FALSE"));
    }

    @Test
    void writesAreCountedPerNamespaceAndOutcomeWithoutLettingStrangersGrowTheMetrics() {
        write("orders", Map.of("payload", b64("counted")));
        given().contentType(ContentType.JSON)
                .body(Map.of("payload", b64("x")))
                .post("/v1/namespaces/no-such-ns-123/entries")
                .then()
                .statusCode(404);

        String metrics = given().get(management + "metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(metrics)
                .containsPattern(
                        "walgate_gateway_writes_seconds_count\\{[^}]*durable=\"TRUE\"[^}]*namespace=\"orders\"");
        assertThat(metrics)
                .containsPattern(
                        "walgate_gateway_writes_seconds_count\\{[^}]*code=\"NAMESPACE_NOT_FOUND\"[^}]*namespace=\"_unknown\"");
        assertThat(metrics).contains("walgate_gateway_writes_seconds_bucket").contains("walgate_gateway_write_bytes");
        assertThat(metrics).doesNotContain("no-such-ns-123");
    }

    @Test
    void theGatewayIsReadyOnceItsNamespaceCacheCaughtUp() {
        given().get(management + "health/ready")
                .then()
                .statusCode(200)
                .body("checks.find { it.name == 'walgate namespace cache' }.status", equalTo("UP"));
    }

    @Test
    void healthMetricsAndOpenApiAreOnTheManagementPortAndNotOnTheApis() {
        for (String inside : List.of("/q/health/ready", "/q/metrics", "/q/openapi")) {
            given().get(inside).then().statusCode(404);
        }
        given().get(management + "openapi").then().statusCode(200);
    }

    @Test
    @TestSecurity(user = "intruder")
    void aCallerWithNoPartInANamespaceCannotTellItFromAMissingOne() {
        for (String namespace : List.of("orders", "no-such-namespace")) {
            given().contentType(ContentType.JSON)
                    .body(Map.of("payload", b64("x")))
                    .post("/v1/namespaces/" + namespace + "/entries")
                    .then()
                    .statusCode(404)
                    .body("code", equalTo("NAMESPACE_NOT_FOUND"))
                    .body(
                            "detail",
                            equalTo("no namespace '" + namespace + "' that client:intruder writes to or operates"))
                    .body("durable", equalTo("FALSE"));
        }
    }

    @Test
    @TestSecurity(user = "svc-other", roles = "role-writers")
    void aCallerMayWriteThroughARole() {
        write("orders", Map.of("payload", b64("by-role")));
    }

    @Test
    @TestSecurity(authorizationEnabled = true)
    void anAnonymousCallerIsUnauthenticated() {
        given().contentType(ContentType.JSON)
                .body(Map.of("payload", b64("x")))
                .post("/v1/namespaces/orders/entries")
                .then()
                .statusCode(401)
                .body("code", equalTo("UNAUTHENTICATED"));
    }
}
