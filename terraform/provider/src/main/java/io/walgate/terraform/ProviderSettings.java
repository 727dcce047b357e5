package io.walgate.terraform;

import io.walgate.client.ClientCredentials;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The provider's configuration: each attribute of {@code provider "walgate"} when set, else its
 * {@code WALGATE_*} environment variable, else the devstack's default. A token wins over client
 * credentials; neither is fine against a controller with authentication off.
 */
record ProviderSettings(
        String endpoint,
        Optional<String> token,
        Optional<String> clientId,
        Optional<String> clientSecret,
        Optional<String> tokenUrl) {

    static final String DEFAULT_ENDPOINT = "http://localhost:8081";

    static ProviderSettings of(Map<?, ?> config, Function<String, String> env) {
        return new ProviderSettings(
                pick(config, "endpoint", env, "WALGATE_CONTROLLER_URL").orElse(DEFAULT_ENDPOINT),
                pick(config, "token", env, "WALGATE_TOKEN"),
                pick(config, "client_id", env, "WALGATE_CLIENT_ID"),
                pick(config, "client_secret", env, "WALGATE_CLIENT_SECRET"),
                pick(config, "token_url", env, "WALGATE_TOKEN_URL")
                        .or(() -> Optional.ofNullable(env.apply("WALGATE_OIDC_ISSUER"))
                                .filter(s -> !s.isBlank())
                                .map(issuer -> issuer + "/protocol/openid-connect/token")));
    }

    private static Optional<String> pick(
            Map<?, ?> config, String attribute, Function<String, String> env, String variable) {
        Object configured = config == null ? null : config.get(attribute);
        if (configured instanceof String s && !s.isBlank()) {
            return Optional.of(s);
        }
        return Optional.ofNullable(env.apply(variable)).filter(s -> !s.isBlank());
    }

    /** What is wrong with the settings, on the attribute to fix. */
    void check(Diags diags) {
        URI uri;
        try {
            uri = URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null
                || uri.getHost() == null
                || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            diags.error(
                    "Invalid Walgate endpoint",
                    "endpoint: '" + endpoint + "' is no http(s) URL with a host, e.g. http://localhost:8081",
                    Diags.path("endpoint"));
        }
        if (tokenUrl.isPresent() && !isHttpUrl(tokenUrl.get())) {
            diags.error(
                    "Invalid token endpoint",
                    "token_url: '" + tokenUrl.get() + "' is no http(s) URL with a host",
                    Diags.path("token_url"));
        }
        if (token.isEmpty() && clientId.isPresent() && tokenUrl.isEmpty()) {
            diags.error(
                    "Missing token endpoint",
                    "client_id is set but neither token_url (WALGATE_TOKEN_URL) nor WALGATE_OIDC_ISSUER is",
                    Diags.path("token_url"));
        }
    }

    private static boolean isHttpUrl(String url) {
        try {
            URI uri = URI.create(url);
            return uri.getHost() != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    ControllerClient client() {
        Supplier<Optional<String>> tokens;
        if (token.isPresent()) {
            tokens = () -> token;
        } else if (clientId.isPresent() && tokenUrl.isPresent()) {
            ClientCredentials credentials = new ClientCredentials(
                    URI.create(tokenUrl.get()),
                    clientId.get(),
                    clientSecret.orElse(""),
                    "the provider's client_id, client_secret and token_url (or WALGATE_CLIENT_ID, WALGATE_CLIENT_SECRET,"
                            + " WALGATE_TOKEN_URL)",
                    ControllerClient.JSON,
                    Clock.systemUTC());
            tokens = credentials;
        } else {
            tokens = Optional::empty;
        }
        return new ControllerClient(endpoint, tokens);
    }
}
