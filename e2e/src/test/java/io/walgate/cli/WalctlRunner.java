package io.walgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.walgate.devstack.ServiceJars;
import io.walgate.e2e.FullStack;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real walctl jar as a process, as a user's shell would, against the full stack: its
 * config and cache in a folder of the test class's own, the stack's URLs in its environment.
 */
final class WalctlRunner {
    private final FullStack stack;
    private final Path work;

    record Run(int exit, String out, String err) {
        JsonNode json() {
            try {
                return Api.JSON.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + out, e);
            }
        }
    }

    /** A runner with a fresh config under {@code work}. */
    WalctlRunner(FullStack stack, Path work) throws IOException {
        this.stack = stack;
        this.work = work;
        Files.createDirectories(work);
        Files.deleteIfExists(work.resolve("config.yaml"));
    }

    /** The folder for this class's files: walctl's config, and specs the tests write. */
    Path work() {
        return work;
    }

    /** The walctl jar the cli module packages (the reactor builds it before this module). */
    static Path jar() {
        Path jar = ServiceJars.checkoutRoot().resolve("cli/target/walctl.jar");
        assertThat(jar)
                .as("package walctl first (./mvnw install -DskipTests -pl cli)")
                .isRegularFile();
        return jar;
    }

    /** A file of the checkout, e.g. the quickstart's {@code cli/examples/namespaces.yaml}. */
    static String checkoutFile(String path) {
        return ServiceJars.checkoutRoot().resolve(path).toString();
    }

    /** Runs {@code java -jar walctl.jar args…} with {@code stdin} piped in (null for none). */
    Run piped(String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("java", "-jar", jar().toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("WALCTL_CONFIG", work.resolve("config.yaml").toString());
        pb.environment().put("XDG_CACHE_HOME", work.resolve("cache").toString());
        pb.environment().put("WALCTL_CONTROLLER", stack.controllerUrl());
        pb.environment().put("WALCTL_GATEWAY", stack.gatewayUrl());
        pb.environment().put("WALCTL_WORKER", stack.worker().endpoint());
        pb.environment().remove("WALCTL_CONTEXT");
        pb.environment().remove("WALCTL_TOKEN");
        pb.environment().remove("WALCTL_OUTPUT");
        Process p = pb.start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    Run walctl(String... args) throws Exception {
        return piped(null, args);
    }

    /** Waits until {@code walctl status} says the namespace is READY. */
    void awaitReady(String name) {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300))
                .alias(name + " becomes READY")
                .until(() -> "READY"
                        .equals(walctl("status", name, "-o", "json")
                                .json()
                                .path("phase")
                                .asText()));
    }
}
