package io.walgate.terraform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Refusals as the provider reports them, against a stand-in that answers as the controller does. */
class ControllerClientTest {
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void aCallerWithoutTheAdminRoleIsToldWhichRoleItNeeds() throws Exception {
        String url = answering(403, "{\"code\":\"FORBIDDEN\",\"status\":403,\"detail\":\"needs walgate-admin\"}");

        ControllerProblem p = catchThrowableOfType(
                ControllerProblem.class,
                () -> new ControllerClient(url, () -> Optional.of("t")).get("/v1/namespaces/x"));

        assertThat(p.code()).isEqualTo("FORBIDDEN");
        assertThat(p.getMessage()).contains("needs the walgate-admin role").contains("GET /v1/namespaces/x");
    }

    @Test
    void refusedCredentialsNameTheSettingsToFix() throws Exception {
        String url = answering(401, "{\"code\":\"UNAUTHENTICATED\",\"status\":401,\"detail\":\"token expired\"}");

        ControllerProblem p = catchThrowableOfType(
                ControllerProblem.class, () -> new ControllerClient(url, Optional::empty).get("/v1/namespaces/x"));

        assertThat(p.code()).isEqualTo("UNAUTHENTICATED");
        assertThat(p.getMessage()).contains("WALGATE_TOKEN").contains("token expired");
    }

    @Test
    void anAnswerThatIsNoProblemDocumentStillHasACode() throws Exception {
        String url = answering(502, "<html>bad gateway</html>");

        ControllerProblem p = catchThrowableOfType(
                ControllerProblem.class, () -> new ControllerClient(url, Optional::empty).get("/v1/namespaces"));

        assertThat(p.code()).isEqualTo("HTTP_502");
    }

    @Test
    void aControllerNobodyAnswersOnIsNamedWithItsUrl() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port;

        ControllerProblem p = catchThrowableOfType(
                ControllerProblem.class, () -> new ControllerClient(url, Optional::empty).get("/v1/namespaces"));

        assertThat(p.code()).isEqualTo("CONTROLLER_UNREACHABLE");
        assertThat(p.getMessage())
                .contains("cannot reach the Walgate controller at " + url)
                .contains("WALGATE_CONTROLLER_URL");
    }

    @Test
    void aTokenEndpointThatRefusesTheClientIsNoCrash() throws Exception {
        String url = answering(200, "{}");

        ControllerProblem p = catchThrowableOfType(
                ControllerProblem.class,
                () -> new ControllerClient(url, () -> {
                            throw new IllegalStateException(
                                    "the token endpoint http://sso refused the client credentials"
                                            + " (401): check the provider's client_id.*");
                        })
                        .get("/v1/namespaces"));

        assertThat(p.code()).isEqualTo("TOKEN_UNAVAILABLE");
        assertThat(p.getMessage()).endsWith("check the provider's client_id");
    }

    private String answering(int status, String body) throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }
}
