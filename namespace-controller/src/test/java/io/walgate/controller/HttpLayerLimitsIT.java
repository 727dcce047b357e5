package io.walgate.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.path.json.JsonPath;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The controller's body limit holds however a body is sent, and is answered as problem+json. */
@QuarkusTest
@QuarkusTestResource(ControllerDevstack.class)
@TestSecurity(user = "alice", roles = "walgate-admin")
class HttpLayerLimitsIT {
    private static final int LIMIT = 1024 * 1024;

    @TestHTTPResource("/v1/namespaces")
    URI namespaces;

    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final HttpClient http2 = HttpClient.newHttpClient(); // tries h2c: bodies without a length

    @Test
    void aBodyWithoutDeclaredLengthOverHttp2IsRefusedAsProblemJsonToo() throws Exception {
        byte[] body = padded("h2-too-big", 2 * LIMIT);
        HttpResponse<String> response = http2.send(
                HttpRequest.newBuilder(namespaces)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(JsonPath.from(response.body()).getString("code")).isEqualTo("PAYLOAD_TOO_LARGE");
    }

    @Test
    void aChunkedBodyThatGrowsPastTheLimitIsRefusedAsProblemJson() throws Exception {
        byte[] body = padded("chunked-too-big", 2 * LIMIT);
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(namespaces)
                        .header("Content-Type", "application/json")
                        // An input stream has no known length: the client sends it chunked.
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(JsonPath.from(response.body()).getString("code")).isEqualTo("PAYLOAD_TOO_LARGE");
    }

    @Test
    void aBodyJustUnderTheLimitIsRead() throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(namespaces)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(padded("just-under-limit", LIMIT - 1)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    }

    /** A valid spec for {@code name}, padded with leading whitespace to exactly {@code size} bytes. */
    private static byte[] padded(String name, int size) throws Exception {
        byte[] spec = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(Specs.sqs(name));
        byte[] body = " ".repeat(size - spec.length).getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[size];
        System.arraycopy(body, 0, all, 0, body.length);
        System.arraycopy(spec, 0, all, body.length, spec.length);
        return all;
    }
}
