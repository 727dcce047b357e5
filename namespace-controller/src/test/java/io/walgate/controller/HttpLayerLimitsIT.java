package io.walgate.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.path.json.JsonPath;
import java.io.ByteArrayInputStream;
import java.io.IOException;
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
    void anHttp2BodyWithoutDeclaredLengthIsReadWhenUnderTheLimitAndRefusedOverIt() throws Exception {
        // Under the limit, and an empty POST (which ends with its headers): read normally. A body
        // read ahead of Quarkus REST over HTTP/2 made every such call a 500.
        HttpResponse<String> small = http2.send(
                HttpRequest.newBuilder(namespaces)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(
                                () -> new ByteArrayInputStream(paddedUnchecked("h2-small", 4096))))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(small.statusCode()).as(small.body()).isEqualTo(201);
        HttpResponse<String> pause = http2.send(
                HttpRequest.newBuilder(URI.create(namespaces + "/h2-small/pause"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(pause.statusCode()).as(pause.body()).isLessThan(300);

        // Over the limit: refused by Quarkus itself over HTTP/2 — a bare 413, or the stream reset
        // (GOAWAY) mid-upload; either way nothing is created.
        byte[] body = padded("h2-too-big", 2 * LIMIT);
        try {
            HttpResponse<String> response = http2.send(
                    HttpRequest.newBuilder(namespaces)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(413);
        } catch (IOException reset) {
            assertThat(reset.getMessage()).contains("GOAWAY");
        }
        HttpResponse<String> absent = http.send(
                HttpRequest.newBuilder(URI.create(namespaces + "/h2-too-big")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(absent.statusCode()).isEqualTo(404);
    }

    private static byte[] paddedUnchecked(String name, int size) {
        try {
            return padded(name, size);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
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
        byte[] spec = new ObjectMapper().writeValueAsBytes(Specs.sqs(name));
        byte[] body = " ".repeat(size - spec.length).getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[size];
        System.arraycopy(body, 0, all, 0, body.length);
        System.arraycopy(spec, 0, all, body.length, spec.length);
        return all;
    }
}
