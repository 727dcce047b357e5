package io.walgate.controller;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.walgate.devstack.JavaService;
import io.walgate.devstack.KeycloakServer;
import io.walgate.devstack.Ports;
import io.walgate.devstack.ServiceJars;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The packaged controller against a real Keycloak: real tokens, real refusals, all problem+json. */
class ControllerAuthIT {
    private static JavaService controller;
    private static KeycloakServer keycloak;

    @BeforeAll
    static void start() {
        keycloak = ControllerDevstack.devstack().keycloak();
        keycloak.start();
        Map<String, String> settings = new HashMap<>(ControllerDevstack.settings("walgate_auth"));
        settings.put("walgate.auth.enabled", "true");
        settings.put("quarkus.oidc.auth-server-url", keycloak.issuerUrl());
        controller = new JavaService(
                "controller", Path.of("target", "auth-it"), ServiceJars.CONTROLLER.jar(), Ports.free(), settings);
        controller.start();
    }

    @AfterAll
    static void stop() {
        controller.close();
    }

    private static String token(String client, String secret) throws Exception {
        return JsonPath.from(keycloak.clientCredentialsToken(client, secret)).getString("access_token");
    }

    @Test
    void withoutATokenEveryCallIsUnauthenticated() {
        given().baseUri(controller.endpoint())
                .get("/v1/namespaces")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .body("code", equalTo("UNAUTHENTICATED"));
    }

    @Test
    void aForgedOrGarbledTokenIsUnauthenticatedNotAServerError() {
        given().baseUri(controller.endpoint())
                .auth()
                .oauth2("not.a.jwt")
                .get("/v1/namespaces")
                .then()
                .statusCode(401)
                .body("code", equalTo("UNAUTHENTICATED"));
    }

    @Test
    void aWriterServiceMayReadButNotCreate() throws Exception {
        String writer = token(KeycloakServer.WRITER_CLIENT, KeycloakServer.WRITER_SECRET);
        given().baseUri(controller.endpoint())
                .auth()
                .oauth2(writer)
                .get("/v1/namespaces")
                .then()
                .statusCode(200);
        given().baseUri(controller.endpoint())
                .auth()
                .oauth2(writer)
                .contentType(ContentType.JSON)
                .body(Specs.kafka("auth-denied", 1))
                .post("/v1/namespaces")
                .then()
                .statusCode(403)
                .body("code", equalTo("FORBIDDEN"));
    }

    @Test
    void deadLettersAreForTheNamespacesOperatorsAndTheAdminAlone() throws Exception {
        String name = "auth-dlq-" + System.nanoTime() % 100_000;
        Map<String, Object> spec = Specs.kafka(name, 1);
        spec.put("access", Specs.map("writers", List.of("svc-orders"), "operators", List.of("user:oncall")));
        String admin = token(KeycloakServer.ADMIN_CLIENT, KeycloakServer.ADMIN_SECRET);
        given().baseUri(controller.endpoint())
                .auth()
                .oauth2(admin)
                .contentType(ContentType.JSON)
                .body(spec)
                .post("/v1/namespaces")
                .then()
                .statusCode(201);
        String entryId;
        try (var shelf = new DeadLetterShelf("walgate_auth", null)) {
            var entry = DeadLetterShelf.entry(name, "a", "HTTP_400");
            entryId = entry.id().toString();
            shelf.indexOnly(entry, "local", Instant.now());
        }
        String list = "/v1/namespaces/" + name + "/dead-letters";
        String one = list + "/" + entryId;
        String operator =
                JsonPath.from(keycloak.passwordToken("oncall", "oncall")).getString("access_token");
        String writer = token(KeycloakServer.WRITER_CLIENT, KeycloakServer.WRITER_SECRET);
        String stranger = token(KeycloakServer.STRANGER_CLIENT, KeycloakServer.STRANGER_SECRET);

        given().baseUri(controller.endpoint()).get(list).then().statusCode(401);
        for (String path : List.of(list, one, list + "/summary")) {
            given().baseUri(controller.endpoint())
                    .auth()
                    .oauth2(stranger)
                    .get(path)
                    .then()
                    .statusCode(404)
                    .body("code", equalTo("NAMESPACE_NOT_FOUND"));
            given().baseUri(controller.endpoint())
                    .auth()
                    .oauth2(writer)
                    .get(path)
                    .then()
                    .statusCode(403)
                    .body("code", equalTo("FORBIDDEN"));
            given().baseUri(controller.endpoint())
                    .auth()
                    .oauth2(operator)
                    .get(path)
                    .then()
                    .statusCode(200);
        }
        given().baseUri(controller.endpoint())
                .auth()
                .oauth2(writer)
                .body("{\"reason\":\"mine now\"}")
                .post(list + ":purge")
                .then()
                .statusCode(403);
        given().baseUri(controller.endpoint())
                .auth()
                .oauth2(writer)
                .delete(one + "?reason=mine")
                .then()
                .statusCode(403);
        String replays = "/v1/namespaces/" + name + "/replays";
        String logReplays = "/v1/namespaces/" + name + "/log-replays";
        String logBody = "{\"from\":\"2026-01-01T00:00:00Z\",\"to\":\"2026-01-02T00:00:00Z\",\"dryRun\":true}";
        for (String path : List.of(replays, logReplays)) {
            String body = path.equals(replays) ? "{\"dryRun\":true}" : logBody;
            given().baseUri(controller.endpoint())
                    .auth()
                    .oauth2(writer)
                    .body(body)
                    .post(path)
                    .then()
                    .statusCode(403)
                    .body("code", equalTo("FORBIDDEN"));
            given().baseUri(controller.endpoint())
                    .auth()
                    .oauth2(stranger)
                    .body(body)
                    .post(path)
                    .then()
                    .statusCode(404)
                    .body("code", equalTo("NAMESPACE_NOT_FOUND"));
        }
        given().baseUri(controller.endpoint())
                .auth()
                .oauth2(writer)
                .get(replays)
                .then()
                .statusCode(403);
        given().baseUri(controller.endpoint())
                .auth()
                .oauth2(operator)
                .body("{\"dryRun\":true}")
                .post(replays)
                .then()
                .statusCode(200)
                .body("matched", equalTo(1))
                .body("actor", equalTo("user:oncall"));
        given().baseUri(controller.endpoint())
                .auth()
                .oauth2(operator)
                .queryParam("reason", "replayed by hand")
                .delete(one)
                .then()
                .statusCode(200)
                .body("discarded", equalTo(1));
        given().baseUri(controller.endpoint())
                .auth()
                .oauth2(admin)
                .get("/v1/namespaces/" + name + "/audit")
                .then()
                .body("[0].action", equalTo("dead-letters.discard"))
                .body("[0].actor", equalTo("user:oncall"));
    }

    @Test
    void theAdminClientCreatesNamespacesInItsOwnName() throws Exception {
        String admin = token(KeycloakServer.ADMIN_CLIENT, KeycloakServer.ADMIN_SECRET);
        String by = given().baseUri(controller.endpoint())
                .auth()
                .oauth2(admin)
                .contentType(ContentType.JSON)
                .body(Specs.kafka("auth-created-" + System.nanoTime() % 100_000, 1))
                .post("/v1/namespaces")
                .then()
                .statusCode(201)
                .extract()
                .path("updatedBy");
        assertThat(by).isEqualTo("client:walgate-admin");
    }
}
