package io.walgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * JSON over HTTP to one Walgate service. Every failure becomes a {@link CliException} whose exit
 * code says what kind it was and whose message is the server's problem {@code code} and detail.
 */
final class Api {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A successful answer. */
    record Reply(int status, JsonNode body, String etag) {}

    private final String name;
    private final String base;
    private final HttpClient http;
    private final Supplier<String> token;

    /**
     * @param name what the service is called in messages ("the controller")
     * @param token the bearer token, or null for none; asked lazily, once per call
     */
    Api(String name, String base, HttpClient http, Supplier<String> token) {
        this.name = name;
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.http = http;
        this.token = token;
    }

    String base() {
        return base;
    }

    Reply get(String path) {
        return send("GET", path, null, null);
    }

    /**
     * The items of a paged listing ({@code {"items": [...], "nextPageToken": "…"}}) at {@code path}
     * (with its query), page after page, up to {@code limit}.
     */
    ArrayNode pages(String path, int limit) {
        ArrayNode all = JSON.createArrayNode();
        String next = path.contains("?") ? "&pageToken=" : "?pageToken=";
        String token = null;
        do {
            JsonNode page = get(token == null ? path : path + next + URLEncoder.encode(token, StandardCharsets.UTF_8))
                    .body();
            for (JsonNode item : page.path("items")) {
                if (all.size() < limit) {
                    all.add(item);
                }
            }
            token = page.path("nextPageToken").isTextual()
                    ? page.path("nextPageToken").asText()
                    : null;
        } while (token != null && all.size() < limit);
        return all;
    }

    Reply send(String method, String path, JsonNode body, String ifMatch) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json");
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        String bearer = token == null ? null : token.get();
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        request.method(
                method,
                body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.toString()));
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new CliException(CliException.UNAVAILABLE, name + " at " + base + " did not answer in time");
        } catch (IOException e) {
            throw new CliException(
                    CliException.UNAVAILABLE,
                    "cannot reach " + name + " at " + base + ": " + Tokens.describe(e)
                            + " (is it running? `./walgate up` starts one; or pass --" + flag() + " URL)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(CliException.UNAVAILABLE, "interrupted");
        }
        JsonNode parsed = parse(response.body());
        if (response.statusCode() >= 400) {
            throw failure(response.statusCode(), parsed, path);
        }
        return new Reply(
                response.statusCode(),
                parsed,
                response.headers().firstValue("ETag").orElse(null));
    }

    private String flag() {
        return name.contains("gateway") ? "gateway" : "controller";
    }

    private static JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return NullNode.getInstance();
        }
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(text);
        }
    }

    private CliException failure(int status, JsonNode problem, String path) {
        String code = problem.path("code").asText("");
        String detail = problem.path("detail").asText(problem.isTextual() ? problem.asText() : "");
        String what = (code.isEmpty() ? "HTTP " + status : code) + (detail.isEmpty() ? "" : ": " + detail);
        if (problem.hasNonNull("durable")
                && !"FALSE".equals(problem.path("durable").asText())) {
            what += " (durable " + problem.path("durable").asText()
                    + (problem.hasNonNull("entryId")
                            ? ", entry " + problem.path("entryId").asText()
                            : "")
                    + ": retry with the same idempotency key)";
        }
        return switch (status) {
            case 401 ->
                new CliException(
                        CliException.AUTH,
                        what
                                + " (set a token: --token, WALCTL_TOKEN, or a context with auth; see walctl config --help)");
            case 403 -> new CliException(CliException.AUTH, what);
            case 404 -> new CliException(CliException.NOT_FOUND, what);
            case 409, 412, 428 -> new CliException(CliException.CONFLICT, what);
            case 400, 413, 421, 422 -> new CliException(CliException.INVALID, what);
            default -> new CliException(CliException.UNAVAILABLE, name + " failed on " + path + ": " + what);
        };
    }
}
