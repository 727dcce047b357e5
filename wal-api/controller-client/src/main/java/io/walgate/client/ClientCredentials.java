package io.walgate.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A service's own bearer token for the controller (gateway and worker alike): an OAuth 2
 * client-credentials grant against the OIDC token endpoint, cached until shortly before it expires.
 * Called from the feed's thread (it blocks for the token request); a failure surfaces as an
 * exception there, and the feed retries with backoff. Its messages name the caller's settings
 * ({@code settings}), so that the operator of either service is told where to look.
 */
public final class ClientCredentials implements Supplier<Optional<String>> {
    private static final Duration EARLY = Duration.ofSeconds(30);

    private final URI tokenUrl;
    private final String settings;
    private final String form;
    private final ObjectMapper json;
    private final Clock clock;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String token;
    private Instant renewAt = Instant.MIN;

    /**
     * How a service authenticates to the controller's feed: a fixed token when one is set, else
     * client credentials when a client id is set (the token URL defaults to Keycloak's under the
     * OIDC issuer), else nothing (authentication off).
     *
     * @param setting the settings' prefix (e.g. {@code walgate.worker.controller-auth}), for the
     *     messages that tell an operator what to fix
     */
    public static Supplier<Optional<String>> forFeed(
            Optional<String> fixedToken,
            Optional<String> clientId,
            Optional<String> clientSecret,
            Optional<URI> tokenUrl,
            Optional<String> issuer,
            ObjectMapper json,
            String setting) {
        if (fixedToken.isPresent()) {
            return () -> fixedToken;
        }
        if (clientId.isEmpty()) {
            return Optional::empty;
        }
        URI url = tokenUrl.or(() -> issuer.map(i -> URI.create(i + "/protocol/openid-connect/token")))
                .orElseThrow(() -> new IllegalStateException(setting + ".client-id is set but neither " + setting
                        + ".token-url nor quarkus.oidc.auth-server-url is"));
        return new ClientCredentials(url, clientId.get(), clientSecret.orElse(""), setting, json, Clock.systemUTC());
    }

    /**
     * @param settings the caller's settings for this client (e.g. {@code
     *     walgate.gateway.controller-auth}), named when the token endpoint refuses them
     */
    public ClientCredentials(
            URI tokenUrl, String clientId, String clientSecret, String settings, ObjectMapper json, Clock clock) {
        this.tokenUrl = tokenUrl;
        this.settings = settings;
        this.form = "grant_type=client_credentials&client_id=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8)
                + "&client_secret=" + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8);
        this.json = json;
        this.clock = clock;
    }

    @Override
    public synchronized Optional<String> get() {
        if (token == null || !clock.instant().isBefore(renewAt)) {
            fetch();
        }
        return Optional.of(token);
    }

    private void fetch() {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(tokenUrl)
                            .timeout(Duration.ofSeconds(10))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(form))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("the token endpoint " + tokenUrl + " refused the client"
                        + " credentials (" + response.statusCode() + "): check " + settings + ".*");
            }
            JsonNode body = json.readTree(response.body());
            token = body.path("access_token").asText(null);
            if (token == null) {
                throw new IllegalStateException("the token endpoint " + tokenUrl + " answered without access_token");
            }
            Duration lifetime = Duration.ofSeconds(body.path("expires_in").asLong(60));
            Duration early = lifetime.compareTo(EARLY.multipliedBy(2)) > 0 ? EARLY : lifetime.dividedBy(2);
            renewAt = clock.instant().plus(lifetime).minus(early);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach the token endpoint " + tokenUrl + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while fetching a token", e);
        }
    }
}
