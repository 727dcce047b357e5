package io.walgate.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Keycloak from its Maven Central distribution, in dev mode, importing the project's {@code
 * walgate} realm (roles {@code walgate-admin}, {@code walgate-operator}, {@code walgate-writer};
 * confidential clients {@code walgate-admin} and {@code svc-orders}). Its database lives under the
 * data folder; the unpacked distribution is cached and reused.
 */
public final class KeycloakServer extends ManagedServer {
    public static final String REALM = "walgate";
    public static final String ADMIN_CLIENT = "walgate-admin";
    public static final String ADMIN_SECRET = "walgate-admin-secret";
    public static final String WRITER_CLIENT = "svc-orders";
    public static final String WRITER_SECRET = "svc-orders-secret";
    /** The services' own client (no roles): the gateway reads the controller's feed with it. */
    public static final String SERVICES_CLIENT = "walgate-services";

    public static final String SERVICES_SECRET = "walgate-services-secret";

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final int port;
    private final int managementPort;

    public KeycloakServer(Path dataRoot, int port, int managementPort) {
        super("keycloak", dataRoot);
        this.port = port;
        this.managementPort = managementPort;
    }

    public int port() {
        return port;
    }

    /** The issuer URL of the walgate realm, for {@code quarkus.oidc.auth-server-url}. */
    public String issuerUrl() {
        return "http://" + Ports.LOOPBACK + ":" + port + "/realms/" + REALM;
    }

    @Override
    protected Map<Integer, String> ports() {
        return Map.of(port, "Keycloak", managementPort, "Keycloak management");
    }

    @Override
    public String endpoint() {
        return issuerUrl();
    }

    @Override
    public Map<String, String> endpoints() {
        return Map.of("WALGATE_OIDC_ISSUER", issuerUrl());
    }

    @Override
    protected Duration startTimeout() {
        return Duration.ofMinutes(5); // the first start runs Keycloak's build step
    }

    private Path home() {
        Path zip = Artifacts.file("keycloak.dist");
        String version = Artifacts.get("keycloak.version");
        return Unpacker.cached("keycloak-" + version, dir -> Unpacker.unzip(zip, dir))
                .resolve("keycloak-" + version);
    }

    @Override
    protected void prepare() throws IOException {
        // --import-realm reads Keycloak's own data/import folder; the realm there is ours alone.
        Path imports = home().resolve("data/import");
        Files.createDirectories(imports);
        try (InputStream realm = KeycloakServer.class.getResourceAsStream("walgate-realm.json")) {
            Files.copy(realm, imports.resolve("walgate-realm.json"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    protected List<String> command() {
        return List.of(
                home().resolve("bin/kc.sh").toString(),
                "start-dev",
                "--http-host=" + Ports.LOOPBACK,
                "--http-port=" + port,
                "--http-management-port=" + managementPort,
                "--import-realm",
                "--db-url=jdbc:h2:file:" + dir().resolve("db/keycloakdb") + ";NON_KEYWORDS=VALUE");
    }

    @Override
    protected Map<String, String> environment() {
        return Map.of(
                "JAVA_HOME", System.getProperty("java.home"),
                "JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx512m",
                "JAVA_OPTS_APPEND", "-Dwalgate.devstack=" + dir(),
                "KC_BOOTSTRAP_ADMIN_USERNAME", "admin",
                "KC_BOOTSTRAP_ADMIN_PASSWORD", "admin");
    }

    @Override
    protected boolean isReady() {
        if (!Ports.isListening(port)) {
            return false;
        }
        return HttpProbe.answers200(issuerUrl() + "/.well-known/openid-configuration");
    }

    /**
     * A client-credentials access token from the walgate realm.
     *
     * @return the raw JSON token response
     */
    public String clientCredentialsToken(String clientId, String secret) throws IOException, InterruptedException {
        String form = "grant_type=client_credentials&client_id=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8)
                + "&client_secret=" + URLEncoder.encode(secret, StandardCharsets.UTF_8);
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(issuerUrl() + "/protocol/openid-connect/token"))
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(
                    "token request for " + clientId + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }
}
