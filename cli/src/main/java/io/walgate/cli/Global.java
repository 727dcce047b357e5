package io.walgate.cli;

import java.net.http.HttpClient;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Options every command takes. Each has a {@code WALCTL_*} environment variable; both beat the
 * context, which beats the defaults of a local {@code ./walgate up}.
 */
final class Global {
    enum Format {
        table,
        json,
        yaml
    }

    @Option(
            names = "--context",
            description =
                    "Context of ~/.config/walctl/config.yaml to use (env WALCTL_CONTEXT; default: the current one).",
            defaultValue = "${env:WALCTL_CONTEXT}")
    String context;

    @Option(
            names = "--controller",
            description = "Namespace controller URL (env WALCTL_CONTROLLER; default http://127.0.0.1:8081).",
            defaultValue = "${env:WALCTL_CONTROLLER}")
    String controller;

    @Option(
            names = "--gateway",
            description = "Gateway URL (env WALCTL_GATEWAY; default http://127.0.0.1:8080).",
            defaultValue = "${env:WALCTL_GATEWAY}")
    String gateway;

    @Option(
            names = "--worker",
            description =
                    "Delivery worker URL, for lag and DLQ depth (env WALCTL_WORKER; default http://127.0.0.1:8082).",
            defaultValue = "${env:WALCTL_WORKER}")
    String worker;

    @Option(
            names = "--token",
            description = "Bearer token to send (env WALCTL_TOKEN); overrides the context's auth.",
            defaultValue = "${env:WALCTL_TOKEN}")
    String token;

    @Option(
            names = {"-o", "--output"},
            description = "table (default), json or yaml (env WALCTL_OUTPUT).",
            defaultValue = "${env:WALCTL_OUTPUT:-table}")
    Format output;

    private HttpClient http;
    private Contexts.Context resolved;
    private String contextName;
    private String cachedToken;

    Api controller() {
        Contexts.Context c = context();
        return new Api(
                "the controller", first(controller, c.controller, "http://127.0.0.1:8081"), http(), this::bearer);
    }

    Api gateway() {
        Contexts.Context c = context();
        return new Api("the gateway", first(gateway, c.gateway, "http://127.0.0.1:8080"), http(), this::bearer);
    }

    /** Where a delivery worker's metrics are. */
    String workerUrl() {
        return first(worker, context().worker, "http://127.0.0.1:8082");
    }

    HttpClient httpClient() {
        return http();
    }

    Output out() {
        return new Output(output);
    }

    private HttpClient http() {
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        }
        return http;
    }

    private Contexts.Context context() {
        if (resolved == null) {
            Contexts contexts = Contexts.load();
            Contexts.Context c = contexts.find(context);
            contextName = context != null ? context : contexts.file().currentContext;
            resolved = c != null ? c : new Contexts.Context();
        }
        return resolved;
    }

    private String bearer() {
        if (token != null && !token.isBlank()) {
            return token;
        }
        Contexts.Context c = context();
        String auth = c.auth == null ? "none" : c.auth;
        return switch (auth) {
            case "none" -> null;
            case "token" -> c.token;
            case "client-credentials" -> {
                if (cachedToken == null) {
                    if (c.tokenUrl == null || c.clientId == null) {
                        throw new CliException(
                                CliException.USAGE,
                                "context '" + contextName + "' uses client-credentials but lacks tokenUrl or clientId"
                                        + " (walctl config set-context " + contextName
                                        + " --token-url URL --client-id ID"
                                        + " --client-secret SECRET)");
                    }
                    cachedToken = Tokens.clientCredentials(
                            contextName == null ? "default" : contextName,
                            c.tokenUrl,
                            c.clientId,
                            c.clientSecret,
                            http());
                }
                yield cachedToken;
            }
            default ->
                throw new CliException(
                        CliException.USAGE,
                        "context '" + contextName + "' has auth '" + auth + "'; use none, token or client-credentials");
        };
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }
}
