package io.walgate.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.walgate.api.v1.Durable;
import io.walgate.api.v1.WriteAheadLogGrpc;
import io.walgate.api.v1.WriteToLogRequest;
import io.walgate.devstack.Component;
import io.walgate.devstack.Devstack;
import io.walgate.devstack.JavaService;
import io.walgate.devstack.KeycloakServer;
import io.walgate.devstack.Ports;
import io.walgate.devstack.ServiceJars;
import io.walgate.devstack.WalgateServices;
import io.walgate.gateway.grpc.GrpcErrors;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged gateway and controller against a real Keycloak: the gateway reads the controller's
 * feed with its own client credentials, and callers need real tokens on REST and gRPC alike.
 */
class GatewayAuthIT {
    private static Devstack devstack;
    private static JavaService gateway;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        devstack = Devstack.builder(Path.of("target", "auth-devstack"))
                .with(Component.POSTGRES, Component.KAFKA, Component.SQS, Component.KEYCLOAK)
                .randomPorts()
                .fresh()
                .build();
        devstack.start();
        Map<String, String> controllerSettings =
                WalgateServices.controllerSettings(devstack, WalgateServices.CONTROLLER_DATABASE);
        controllerSettings.putAll(WalgateServices.authSettings(devstack));
        controllerSettings.put("walgate.controller.reconcile-interval", "PT1S");
        JavaService controller = WalgateServices.startController(
                devstack, ServiceJars.CONTROLLER.jar(), Ports.free(), controllerSettings);
        String spec = "{\"name\":\"orders\",\"owner\":\"t\",\"backend\":{\"type\":\"kafka\"},"
                + "\"target\":{\"type\":\"http\",\"regions\":{\"local\":{\"url\":\"http://127.0.0.1:9\"}}},"
                + "\"access\":{\"writers\":[\"service-account-svc-orders\"]}}";
        given().baseUri(controller.endpoint())
                .auth()
                .oauth2(token(KeycloakServer.ADMIN_CLIENT, KeycloakServer.ADMIN_SECRET))
                .contentType(ContentType.JSON)
                .body(spec)
                .post("/v1/namespaces")
                .then()
                .statusCode(201);

        Map<String, String> settings = new HashMap<>(WalgateServices.gatewaySettings(devstack, controller.endpoint()));
        settings.putAll(WalgateServices.authSettings(devstack));
        // Starting waits for readiness, which needs the namespace cache caught up from the feed.
        gateway = WalgateServices.startGateway(devstack, ServiceJars.GATEWAY.jar(), Ports.free(), settings);
        URI endpoint = URI.create(gateway.endpoint());
        channel = ManagedChannelBuilder.forAddress(endpoint.getHost(), endpoint.getPort())
                .usePlaintext()
                .build();
        awaitWritable();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (devstack != null) {
            devstack.close();
        }
    }

    private static String token(String client, String secret) throws Exception {
        return JsonPath.from(devstack.keycloak().clientCredentialsToken(client, secret))
                .getString("access_token");
    }

    /** The namespace reaches the gateway through the authenticated feed once its topic exists. */
    private static void awaitWritable() throws Exception {
        String writer = token(KeycloakServer.WRITER_CLIENT, KeycloakServer.WRITER_SECRET);
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(given().baseUri(gateway.endpoint())
                                .auth()
                                .oauth2(writer)
                                .contentType(ContentType.JSON)
                                .body(Map.of("payload", "aGk="))
                                .post("/v1/namespaces/orders/entries")
                                .statusCode())
                        .as("a writer's REST write once the namespace is known")
                        .isEqualTo(201));
    }

    private static WriteAheadLogGrpc.WriteAheadLogBlockingStub stub(String bearer) {
        var stub = WriteAheadLogGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
        if (bearer == null) {
            return stub;
        }
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + bearer);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private static WriteToLogRequest entry() {
        return WriteToLogRequest.newBuilder()
                .setNamespace("orders")
                .setPayload(ByteString.copyFromUtf8("x"))
                .build();
    }

    @Test
    void aWriterWritesOverGrpcWithItsToken() throws Exception {
        var response = stub(token(KeycloakServer.WRITER_CLIENT, KeycloakServer.WRITER_SECRET))
                .writeToLog(entry());
        assertThat(response.getDurable()).isEqualTo(Durable.TRUE);
    }

    @Test
    void withoutAGoodTokenGrpcWritesAreUnauthenticated() {
        for (String bearer : List.of("", "not-a-jwt", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl")) {
            StatusRuntimeException e = catchThrowableOfType(
                    StatusRuntimeException.class,
                    () -> stub(bearer.isEmpty() ? null : bearer).writeToLog(entry()));
            assertThat(e).as("token '%s'", bearer).isNotNull();
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(e.getTrailers().get(GrpcErrors.CODE)).isEqualTo("UNAUTHENTICATED");
        }
    }

    @Test
    void aValidTokenOfACallerNotAmongTheWritersIsForbidden() throws Exception {
        String services = token(KeycloakServer.SERVICES_CLIENT, KeycloakServer.SERVICES_SECRET);
        given().baseUri(gateway.endpoint())
                .auth()
                .oauth2(services)
                .contentType(ContentType.JSON)
                .body(Map.of("payload", "aGk="))
                .post("/v1/namespaces/orders/entries")
                .then()
                .statusCode(403)
                .body("code", equalTo("FORBIDDEN"));
        StatusRuntimeException e = catchThrowableOfType(
                StatusRuntimeException.class, () -> stub(services).writeToLog(entry()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    @Test
    void aGarbledRestTokenIsUnauthenticatedNotAServerError() {
        given().baseUri(gateway.endpoint())
                .auth()
                .oauth2("garbled")
                .contentType(ContentType.JSON)
                .body(Map.of("payload", "aGk="))
                .post("/v1/namespaces/orders/entries")
                .then()
                .statusCode(401)
                .body("code", equalTo("UNAUTHENTICATED"))
                .body("durable", equalTo("FALSE"));
    }
}
