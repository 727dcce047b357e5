package io.walgate.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.walgate.api.v1.WriteAheadLogGrpc;
import io.walgate.devstack.Component;
import io.walgate.devstack.Devstack;
import io.walgate.devstack.JavaService;
import io.walgate.devstack.KeycloakServer;
import io.walgate.devstack.Ports;
import io.walgate.devstack.ServiceJars;
import io.walgate.devstack.WalgateServices;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * What {@code ./walgate up --with-keycloak} runs: Keycloak with the walgate realm, the packaged
 * controller and gateway with authentication on, and the gateway following the controller's feed
 * as {@code walgate-services}. One per test JVM (Keycloak is the slowest server to start): declare
 * a parameter of this type with {@code @ExtendWith(SecuredStack.Extension.class)}.
 */
final class SecuredStack implements AutoCloseable {
    /**
     * The payload of these tests' writes, in base64: e2e's LogScanIT fails if it (or its text,
     * {@code walgate-payload-marker-3f9c}) shows up in a server's log.
     */
    static final String PAYLOAD =
            Base64.getEncoder().encodeToString("walgate-payload-marker-3f9c".getBytes(StandardCharsets.UTF_8));

    final Devstack devstack;
    final JavaService controller;
    final JavaService gateway;
    final ManagedChannel channel;

    private SecuredStack() {
        devstack = Devstack.builder(Path.of("target", "secured-devstack"))
                .with(Component.POSTGRES, Component.KAFKA, Component.SQS, Component.KEYCLOAK)
                .randomPorts()
                .fresh()
                .build();
        devstack.start();
        Map<String, String> controllerSettings =
                WalgateServices.controllerSettings(devstack, WalgateServices.CONTROLLER_DATABASE);
        controllerSettings.putAll(WalgateServices.authSettings(devstack));
        controllerSettings.put("walgate.controller.reconcile-interval", "PT1S");
        controller = WalgateServices.startController(
                devstack, ServiceJars.CONTROLLER.jar(), Ports.free(), controllerSettings);
        Map<String, String> settings = new HashMap<>(WalgateServices.gatewaySettings(devstack, controller.endpoint()));
        settings.putAll(WalgateServices.authSettings(devstack));
        // Starting waits for readiness, which needs the namespace cache caught up from the feed.
        gateway = WalgateServices.startGateway(devstack, ServiceJars.GATEWAY.jar(), Ports.free(), settings);
        URI endpoint = URI.create(gateway.endpoint());
        channel = ManagedChannelBuilder.forAddress(endpoint.getHost(), endpoint.getPort())
                .usePlaintext()
                .build();
    }

    KeycloakServer keycloak() {
        return devstack.keycloak();
    }

    /** A client's access token from the walgate realm. */
    String clientToken(String client, String secret) {
        return accessToken(() -> keycloak().clientCredentialsToken(client, secret));
    }

    /** A person's access token (password = user name in the devstack realm). */
    String personToken(String user) {
        return accessToken(() -> keycloak().passwordToken(user, user));
    }

    String admin() {
        return clientToken(KeycloakServer.ADMIN_CLIENT, KeycloakServer.ADMIN_SECRET);
    }

    interface TokenCall {
        String call() throws Exception;
    }

    static String accessToken(TokenCall call) {
        return token(call, "access_token");
    }

    /** One token ({@code access_token}, {@code id_token}) of a token response. */
    static String token(TokenCall call, String which) {
        try {
            return JsonPath.from(call.call()).getString(which);
        } catch (Exception e) {
            throw new IllegalStateException("no token from the devstack's Keycloak", e);
        }
    }

    /** A request to the controller with {@code bearer} (none when null). */
    RequestSpecification controller(String bearer) {
        RequestSpecification request = given().baseUri(controller.endpoint());
        return bearer == null ? request : request.auth().oauth2(bearer);
    }

    /** A request to the gateway with {@code bearer} (none when null). */
    RequestSpecification gateway(String bearer) {
        RequestSpecification request = given().baseUri(gateway.endpoint());
        return bearer == null ? request : request.auth().oauth2(bearer);
    }

    /** A gRPC stub that sends {@code bearer} (none when null). */
    WriteAheadLogGrpc.WriteAheadLogBlockingStub grpc(String bearer) {
        var stub = WriteAheadLogGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
        if (bearer == null) {
            return stub;
        }
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + bearer);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    /** Creates a namespace as the admin, and waits until its log is READY and the gateway knows it. */
    void createReady(String name, String json, String writerToken) {
        controller(admin())
                .contentType(ContentType.JSON)
                .body(json)
                .post("/v1/namespaces")
                .then()
                .statusCode(201);
        String admin = admin();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> "READY"
                        .equals(controller(admin)
                                .get("/v1/namespaces/" + name)
                                .then()
                                .extract()
                                .path("status.phase")));
        // The gateway learns of it from the feed: a writer's first write is the sign.
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> gateway(writerToken)
                                .contentType(ContentType.JSON)
                                .body(Map.of("payload", PAYLOAD, "target", Map.of("key", "ready")))
                                .post("/v1/namespaces/" + name + "/entries")
                                .statusCode()
                        == 201);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        devstack.close();
    }

    /** Resolves {@link SecuredStack} parameters: built on first use, closed after the JVM's last test. */
    static final class Extension implements ParameterResolver {
        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == SecuredStack.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return context.getRoot()
                    .getStore(ExtensionContext.Namespace.create(SecuredStack.class))
                    .computeIfAbsent("stack", key -> new SecuredStack(), SecuredStack.class);
        }
    }
}
