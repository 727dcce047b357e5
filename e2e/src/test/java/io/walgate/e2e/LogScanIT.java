package io.walgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.walgate.devstack.KeycloakServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs after every other test of the build (its own failsafe execution, last of this last tested
 * module): reads the log of every server the suite started, in every module, and fails on a
 * payload, a token or a secret. Tests write payloads carrying {@link #PAYLOAD_MARKER} (AttackerIT,
 * GatewayAuthIT); the secrets are the realm's client secrets.
 */
class LogScanIT {
    /** What tests put in payloads so that this scan can tell one in a log. */
    public static final String PAYLOAD_MARKER = "walgate-payload-marker-3f9c";

    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*");
    private static final Pattern REALM_SECRET = Pattern.compile("\"secret\"\\s*:\\s*\"([^\"]+)\"");

    @Test
    void noServerLogOfTheWholeSuiteHoldsAPayloadATokenOrASecret() throws IOException {
        Map<String, Pattern> forbidden = new LinkedHashMap<>();
        forbidden.put("a payload", Pattern.compile(Pattern.quote(PAYLOAD_MARKER)));
        forbidden.put(
                "a payload in base64",
                Pattern.compile(Pattern.quote(Base64.getEncoder()
                        .withoutPadding()
                        .encodeToString(PAYLOAD_MARKER.getBytes(StandardCharsets.UTF_8))
                        .substring(0, 24))));
        forbidden.put("a token", JWT);
        for (String secret : realmSecrets()) {
            forbidden.put("the client secret " + secret.substring(0, 4) + "…", Pattern.compile(Pattern.quote(secret)));
        }

        List<Path> logs = serverLogs();
        List<String> found = new ArrayList<>();
        for (Path log : logs) {
            List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            for (int i = 0; i < lines.size(); i++) {
                for (Map.Entry<String, Pattern> f : forbidden.entrySet()) {
                    Matcher m = f.getValue().matcher(lines.get(i));
                    if (m.find()) {
                        found.add(f.getKey() + " in " + log + ":" + (i + 1));
                    }
                }
            }
        }

        assertThat(logs).as("the suite's server logs").isNotEmpty();
        assertThat(found).as("in %d server logs", logs.size()).isEmpty();
    }

    /**
     * Every server.log under a target folder of the build (each module's devstacks) written since
     * this build started ({@code walgate.build.started}, set by the POM; all of them without it).
     */
    private static List<Path> serverLogs() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        String started = System.getProperty("walgate.build.started", "");
        Instant since =
                started.isBlank() ? Instant.EPOCH : Instant.parse(started).minusSeconds(60);
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.getFileName().toString().equals("server.log"))
                    .filter(p -> p.toString().contains("/target/"))
                    .filter(p -> modified(p).isAfter(since))
                    .sorted()
                    .toList();
        }
    }

    private static Instant modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            return Instant.EPOCH; // gone since it was listed
        }
    }

    private static List<String> realmSecrets() throws IOException {
        List<String> secrets = new ArrayList<>();
        try (InputStream realm = KeycloakServer.class.getResourceAsStream("walgate-realm.json")) {
            Matcher m = REALM_SECRET.matcher(new String(realm.readAllBytes(), StandardCharsets.UTF_8));
            while (m.find()) {
                secrets.add(m.group(1));
            }
        }
        assertThat(secrets).as("the realm's client secrets").isNotEmpty();
        return secrets;
    }
}
