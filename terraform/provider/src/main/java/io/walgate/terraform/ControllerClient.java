package io.walgate.terraform;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The controller's REST API as the provider calls it: JSON in and out, a bearer token when one is
 * configured, and every refusal a {@link ControllerProblem} with the controller's code.
 */
final class ControllerClient {
    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private final String endpoint;
    private final Supplier<Optional<String>> token;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** What the controller answered: status, ETag (without quotes, or null) and body. */
    record Reply(int status, String etag, JsonNode body) {}

    ControllerClient(String endpoint, Supplier<Optional<String>> token) {
        this.endpoint = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        this.token = token;
    }

    String endpoint() {
        return endpoint;
    }

    Reply get(String path) {
        return send("GET", path, null, null);
    }

    /**
     * @param body JSON to send, or null
     * @param ifMatch the version the change is based on, or null
     * @throws ControllerProblem on any answer but 2xx, and when the controller cannot be reached
     */
    Reply send(String method, String path, JsonNode body, String ifMatch) {
        String what = method + " " + path;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint + path))
                .timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json");
        try {
            token.get().ifPresent(t -> request.header("Authorization", "Bearer " + t));
        } catch (RuntimeException e) {
            throw new ControllerProblem(
                    0,
                    "TOKEN_UNAVAILABLE",
                    "no token for the controller: "
                            // ClientCredentials names a service's settings prefix ("….*"); here they are attributes.
                            + String.valueOf(e.getMessage()).replaceAll("\\.\\*$", ""),
                    null);
        }
        if (ifMatch != null) {
            request.header("If-Match", "\"" + ifMatch + "\"");
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
            request.method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw ControllerProblem.unreachable(what, endpoint, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ControllerProblem.unreachable(what, endpoint, e);
        }
        JsonNode json = parse(response.body());
        if (response.statusCode() / 100 != 2) {
            throw problem(response.statusCode(), json, what);
        }
        String etag = response.headers()
                .firstValue("ETag")
                .map(e -> e.replace("W/", "").replace("\"", ""))
                .orElse(null);
        return new Reply(response.statusCode(), etag, json);
    }

    private ControllerProblem problem(int status, JsonNode json, String what) {
        String code = json.path("code").asText("");
        if (code.isEmpty()) {
            code = switch (status) {
                case 401 -> "UNAUTHENTICATED";
                case 403 -> "FORBIDDEN";
                case 404 -> "NOT_FOUND";
                default -> "HTTP_" + status;
            };
        }
        String detail = json.path("detail").asText("");
        String message = switch (status) {
            case 401 ->
                "the controller at " + endpoint + " did not accept the provider's credentials (" + code
                        + "): set token (WALGATE_TOKEN) or client_id and client_secret (WALGATE_CLIENT_ID,"
                        + " WALGATE_CLIENT_SECRET)" + (detail.isEmpty() ? "" : ": " + detail);
            case 403 ->
                "the controller at " + endpoint + " refused " + what + " to the provider's identity ("
                        + code + "): managing namespaces needs the walgate-admin role"
                        + (detail.isEmpty() ? "" : ": " + detail);
            default -> detail.isEmpty() ? what + " answered " + status + " " + code : detail;
        };
        return new ControllerProblem(status, code, message, json);
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return JSON.missingNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.missingNode();
        }
    }
}
