package io.walgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The calls a user makes to the controller and the gateway, over plain HTTP and JSON, with the
 * assertions every scenario would otherwise repeat (a namespace is created, a write is durable).
 */
public final class WalgateClient {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern READY = Pattern.compile("\"phase\"\\s*:\\s*\"READY\"");

    private final String controllerUrl;
    private final String gatewayUrl;

    WalgateClient(String controllerUrl, String gatewayUrl) {
        this.controllerUrl = controllerUrl;
        this.gatewayUrl = gatewayUrl;
    }

    /** One JSON request; {@code body} may be null. */
    public static HttpResponse<String> send(String method, String url, String body)
            throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body))
                        .header("Content-Type", "application/json")
                        .build(),
                BodyHandlers.ofString());
    }

    /** The text of a GET, e.g. a service's {@code /q/metrics}. */
    public static String get(String url) throws IOException, InterruptedException {
        return send("GET", url, null).body();
    }

    /** Creates a namespace from its JSON spec, asserting the controller accepted it. */
    public void createNamespace(String json) throws IOException, InterruptedException {
        HttpResponse<String> r = send("POST", controllerUrl + "/v1/namespaces", json);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    /** A {@code POST} to the controller, e.g. {@code /v1/namespaces/x/pause}. */
    public HttpResponse<String> postToController(String path) throws IOException, InterruptedException {
        return send("POST", controllerUrl + path, null);
    }

    /** Waits until the controller reports the namespace's resources provisioned. */
    public void awaitReady(String namespace) {
        await().atMost(Duration.ofSeconds(60))
                .alias(namespace + " becomes READY")
                .until(() -> READY.matcher(get(controllerUrl + "/v1/namespaces/" + namespace))
                        .find());
    }

    /**
     * Writes until the gateway takes an entry for the namespace (it has heard of it and its backend
     * exists): one JSON entry {@code "warm"} under key {@code warm-up}, which the target receives too.
     */
    public void awaitWritable(String namespace) {
        await().atMost(Duration.ofSeconds(60))
                .alias(namespace + " takes writes")
                .until(() -> send("POST", entriesUrl(namespace), "{\"json\":\"warm\",\"partitionKey\":\"warm-up\"}")
                                .statusCode()
                        == 201);
    }

    /** Writes one JSON entry, asserting it durable (201). */
    public void write(String namespace, String key, String json) throws IOException, InterruptedException {
        HttpResponse<String> r =
                send("POST", entriesUrl(namespace), "{\"json\":" + json + ",\"partitionKey\":\"" + key + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    /** Writes one entry given as the request's whole JSON body. */
    public HttpResponse<String> writeRaw(String namespace, String body) throws IOException, InterruptedException {
        return send("POST", entriesUrl(namespace), body);
    }

    /** Writes one batch of entries (each a JSON object), asserting every one of them durable. */
    public void writeBatch(String namespace, List<String> entries) throws IOException, InterruptedException {
        HttpResponse<String> r =
                send("POST", entriesUrl(namespace) + "/batch", "{\"entries\":[" + String.join(",", entries) + "]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body().split("\"durable\":\"TRUE\"", -1)).as(r.body()).hasSize(entries.size() + 1);
    }

    /**
     * Writes one batch as a careful client does: every entry carries an idempotency key, and those
     * answered other than {@code TRUE} (an {@code UNKNOWN} when the broker is slow to confirm) are
     * sent again under the same key until durable, at most five rounds. Asserts all durable.
     *
     * @param entries JSON objects, each with a unique {@code "idempotencyKey"}
     */
    public void writeBatchUntilDurable(String namespace, List<String> entries) throws Exception {
        List<String> pending = entries;
        for (int round = 0; round < 5 && !pending.isEmpty(); round++) {
            HttpResponse<String> r =
                    send("POST", entriesUrl(namespace) + "/batch", "{\"entries\":[" + String.join(",", pending) + "]}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode results = JSON.readTree(r.body()); // one answer per entry, in order
            List<String> again = new ArrayList<>();
            for (int i = 0; i < pending.size(); i++) {
                if (!"TRUE".equals(results.path(i).path("durable").asText())) {
                    again.add(pending.get(i));
                }
            }
            pending = again;
        }
        assertThat(pending).as("entries still not durable after five rounds").isEmpty();
    }

    private String entriesUrl(String namespace) {
        return gatewayUrl + "/v1/namespaces/" + namespace + "/entries";
    }
}
