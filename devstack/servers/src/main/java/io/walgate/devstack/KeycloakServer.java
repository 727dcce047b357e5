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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Keycloak from its Maven Central distribution, in dev mode, importing the project's {@code
 * walgate} realm (docs/security.md: roles {@code walgate-admin}, {@code walgate-feed}, {@code
 * team-checkout}; the clients below; people {@code alice} and {@code oncall}, password = name) and
 * a {@code stranger} realm whose {@code svc-orders} has the same id and secret, for tests of tokens
 * from elsewhere. Its database lives under the data folder, one per version of the realm files, so
 * that a changed realm is imported afresh; the unpacked distribution is cached and reused.
 */
public final class KeycloakServer extends ManagedServer {
    public static final String REALM = "walgate";
    public static final String ADMIN_CLIENT = "walgate-admin";
    public static final String ADMIN_SECRET = "walgate-admin-secret";
    public static final String WRITER_CLIENT = "svc-orders";
    public static final String WRITER_SECRET = "svc-orders-secret";
    /** The services' own client (role walgate-feed): gateways and workers read the controller's feed with it. */
    public static final String SERVICES_CLIENT = "walgate-services";

    public static final String SERVICES_SECRET = "walgate-services-secret";
    /** Example team checkout's writer; its operators are people with the role {@code team-checkout}. */
    public static final String CHECKOUT_CLIENT = "svc-checkout";

    public static final String CHECKOUT_SECRET = "svc-checkout-secret";
    /** A valid client of the realm that no namespace names. */
    public static final String STRANGER_CLIENT = "svc-stranger";

    public static final String STRANGER_SECRET = "svc-stranger-secret";
    /** A client of the realm with the admin role whose tokens lack Walgate's audience. */
    public static final String NO_AUDIENCE_CLIENT = "svc-no-audience";

    public static final String NO_AUDIENCE_SECRET = "svc-no-audience-secret";
    /** A client whose tokens expire 5 s after issue. */
    public static final String SHORT_LIVED_CLIENT = "svc-short-lived";

    public static final String SHORT_LIVED_SECRET = "svc-short-lived-secret";
    /** The public client people log in through (password grant, devstack only). */
    public static final String PEOPLE_CLIENT = "walctl";
    /** A realm of the same server that Walgate does not trust. */
    public static final String STRANGER_REALM = "stranger";

    private static final List<String> REALM_FILES = List.of("walgate-realm.json", "stranger-realm.json");

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
        for (String file : REALM_FILES) {
            try (InputStream realm = KeycloakServer.class.getResourceAsStream(file)) {
                Files.copy(realm, imports.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** A short digest of the realm files: --import-realm skips a realm its database already has. */
    private static String realmVersion() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String file : REALM_FILES) {
                try (InputStream realm = KeycloakServer.class.getResourceAsStream(file)) {
                    digest.update(realm.readAllBytes());
                }
            }
            return HexFormat.of().formatHex(digest.digest()).substring(0, 12);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("the realm files are resources of this jar", e);
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
                "--db-url=jdbc:h2:file:" + dir().resolve("db/keycloakdb-" + realmVersion()) + ";NON_KEYWORDS=VALUE");
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
        return clientCredentialsToken(REALM, clientId, secret);
    }

    /** A client-credentials token response from {@code realm} of this server. */
    public String clientCredentialsToken(String realm, String clientId, String secret)
            throws IOException, InterruptedException {
        return token(
                realm,
                clientId,
                "grant_type=client_credentials&client_id=" + encode(clientId) + "&client_secret=" + encode(secret));
    }

    /**
     * A person's token response from the walgate realm through {@link #PEOPLE_CLIENT}, with an ID
     * token besides the access token (scope {@code openid}).
     */
    public String passwordToken(String user, String password) throws IOException, InterruptedException {
        return token(
                REALM,
                user,
                "grant_type=password&scope=openid&client_id=" + PEOPLE_CLIENT + "&username=" + encode(user)
                        + "&password=" + encode(password));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private String token(String realm, String who, String form) throws IOException, InterruptedException {
        String issuer = "http://" + Ports.LOOPBACK + ":" + port + "/realms/" + realm;
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(issuer + "/protocol/openid-connect/token"))
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(
                    "token request for " + who + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }
}
