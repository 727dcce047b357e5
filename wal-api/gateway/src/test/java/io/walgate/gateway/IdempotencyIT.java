package io.walgate.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.walgate.api.v1.Durable;
import io.walgate.api.v1.WriteAheadLogGrpc;
import io.walgate.api.v1.WriteToLogRequest;
import io.walgate.api.v1.WriteToLogResponse;
import io.walgate.devstack.JavaService;
import io.walgate.devstack.Ports;
import io.walgate.devstack.ServiceJars;
import io.walgate.devstack.WalgateServices;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Idempotency keys in the gateway's PostgreSQL, shared by gateways and surviving restarts. */
@QuarkusTest
@QuarkusTestResource(GatewayDevstack.class)
@TestSecurity(user = "svc-orders")
class IdempotencyIT {
    @TestHTTPResource("/")
    URL http;

    private static Map<String, Object> entry(String payload, String key) {
        return Map.of(
                "payload",
                Base64.getEncoder().encodeToString(payload.getBytes(StandardCharsets.UTF_8)),
                "partitionKey",
                "p",
                "idempotencyKey",
                key);
    }

    private static ValidatableResponse post(String baseUri, Map<String, Object> body) {
        return given().baseUri(baseUri)
                .contentType(ContentType.JSON)
                .body(body)
                .post("/v1/namespaces/orders/entries")
                .then();
    }

    private static long onTheLog(String key) {
        return LogReader.readAll("wal.orders", e -> key.equals(e.idempotencyKey()))
                .size();
    }

    @Test
    void theSameKeyTwiceIsOneEntryOnTheLogAndTheRepeatAnswersTheOriginalId() throws Exception {
        String key = "order-1-" + System.nanoTime();
        String id = post(http.toString(), entry("charge 10", key))
                .statusCode(201)
                .extract()
                .path("entryId");

        post(http.toString(), entry("charge 10", key))
                .statusCode(200)
                .header("Idempotent-Replayed", "true")
                .body("durable", equalTo("TRUE"))
                .body("entryId", equalTo(id))
                .body("repeat", equalTo(true));

        assertThat(onTheLog(key)).isEqualTo(1);
        try (Connection db = GatewayDevstack.devstack().postgres().connect(WalgateServices.GATEWAY_DATABASE);
                PreparedStatement q = db.prepareStatement(
                        "SELECT entry_id::text, state FROM idempotency_keys WHERE namespace = 'orders' AND idempotency_key = ?")) {
            q.setString(1, key);
            ResultSet row = q.executeQuery();
            assertThat(row.next()).isTrue();
            assertThat(row.getString(1)).isEqualTo(id);
            assertThat(row.getString(2)).isEqualTo("DURABLE");
        }
    }

    @Test
    void theSameKeyForAnotherRequestIsRefusedAndNothingIsWritten() {
        String key = "order-2-" + System.nanoTime();
        post(http.toString(), entry("charge 10", key)).statusCode(201);

        post(http.toString(), entry("charge 99", key))
                .statusCode(422)
                .body("code", equalTo("IDEMPOTENCY_KEY_REUSED"))
                .body("durable", equalTo("FALSE"));

        assertThat(onTheLog(key)).isEqualTo(1);
    }

    @Test
    void aRepeatOverGrpcFindsTheKeyARestWriteClaimed() throws InterruptedException {
        String key = "order-3-" + System.nanoTime();
        String id = post(http.toString(), entry("charge 10", key))
                .statusCode(201)
                .extract()
                .path("entryId");
        ManagedChannel channel = ManagedChannelBuilder.forAddress(http.getHost(), http.getPort())
                .usePlaintext()
                .build();
        try {
            WriteToLogResponse repeat = WriteAheadLogGrpc.newBlockingStub(channel)
                    .writeToLog(WriteToLogRequest.newBuilder()
                            .setNamespace("orders")
                            .setPayload(ByteString.copyFromUtf8("charge 10"))
                            .setPartitionKey("p")
                            .setIdempotencyKey(key)
                            .build());
            assertThat(repeat.getDurable()).isEqualTo(Durable.TRUE);
            assertThat(repeat.getEntryId()).isEqualTo(id);
            assertThat(repeat.getRepeat()).isTrue();
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        assertThat(onTheLog(key)).isEqualTo(1);
    }

    @Test
    void anotherGatewayAndARestartedOneAnswerARepeatWithTheOriginalId() throws Exception {
        String key = "order-4-" + System.nanoTime();
        String id = post(http.toString(), entry("charge 10", key))
                .statusCode(201)
                .extract()
                .path("entryId");

        Map<String, String> settings = new HashMap<>(
                WalgateServices.gatewaySettings(GatewayDevstack.devstack(), GatewayDevstack.controllerUrl()));
        settings.put("walgate.auth.enabled", "false");
        Path jar = ServiceJars.GATEWAY.jar();
        JavaService other = WalgateServices.startGateway(GatewayDevstack.devstack(), jar, Ports.free(), settings);
        try {
            post(other.endpoint(), entry("charge 10", key)).statusCode(200).body("entryId", equalTo(id));
            other.restart();
            post(other.endpoint(), entry("charge 10", key)).statusCode(200).body("entryId", equalTo(id));
            // The packaged gateway logs JSON lines, for log pipelines.
            var started = Files.readAllLines(other.logFile()).stream()
                    .filter(l -> l.startsWith("{") && l.contains("walgate-gateway") && l.contains("started in"))
                    .findFirst();
            assertThat(started)
                    .as("a JSON 'started' line in %s", other.logFile())
                    .isPresent();
            assertThat(new ObjectMapper().readTree(started.get()).path("level").asText())
                    .isEqualTo("INFO");
        } finally {
            other.stop();
        }
        assertThat(onTheLog(key)).isEqualTo(1);
    }
}
