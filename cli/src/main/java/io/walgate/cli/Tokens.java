package io.walgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Client-credentials tokens, cached per context in {@code ~/.cache/walctl/} until shortly before
 * they expire, so that a script of many walctl calls asks Keycloak once.
 */
final class Tokens {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Tokens() {}

    static String clientCredentials(String context, String tokenUrl, String clientId, String secret, HttpClient http) {
        Path cache = cacheDir().resolve("token-" + context.replaceAll("[^A-Za-z0-9_.-]", "_") + ".json");
        try {
            if (Files.exists(cache)) {
                JsonNode cached = JSON.readTree(cache.toFile());
                if (clientId.equals(cached.path("clientId").asText())
                        && Instant.now()
                                .isBefore(Instant.parse(cached.path("renewAt").asText("1970-01-01T00:00:00Z")))) {
                    return cached.path("accessToken").asText();
                }
            }
        } catch (IOException | RuntimeException e) {
            // A broken cache only costs a new token.
        }
        String form = "grant_type=client_credentials&client_id=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8)
                + "&client_secret=" + URLEncoder.encode(secret == null ? "" : secret, StandardCharsets.UTF_8);
        HttpResponse<String> response;
        try {
            response = http.send(
                    HttpRequest.newBuilder(URI.create(tokenUrl))
                            .timeout(Duration.ofSeconds(15))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(form))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CliException(
                    CliException.UNAVAILABLE, "cannot reach the token endpoint " + tokenUrl + ": " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(CliException.UNAVAILABLE, "interrupted");
        }
        if (response.statusCode() != 200) {
            throw new CliException(
                    CliException.AUTH,
                    "the token endpoint refused client '" + clientId + "' (" + response.statusCode()
                            + "): check clientId and clientSecret of the context (walctl config view)");
        }
        try {
            JsonNode body = JSON.readTree(response.body());
            String token = body.path("access_token").asText();
            long lifetime = body.path("expires_in").asLong(60);
            ObjectNode entry = JSON.createObjectNode()
                    .put("clientId", clientId)
                    .put("accessToken", token)
                    .put(
                            "renewAt",
                            Instant.now()
                                    .plusSeconds(Math.max(1, lifetime - Math.min(30, lifetime / 2)))
                                    .toString());
            PrivateFiles.write(cache, JSON.writeValueAsString(entry));
            return token;
        } catch (IOException e) {
            throw new CliException(CliException.AUTH, "the token endpoint answered something that is not a token");
        }
    }

    static Path cacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("walctl");
    }

    static String describe(IOException e) {
        String m = e.getMessage();
        return e instanceof ConnectException || m == null || m.isBlank() ? "connection refused" : m;
    }
}
