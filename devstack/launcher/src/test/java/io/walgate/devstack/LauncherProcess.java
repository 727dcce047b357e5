package io.walgate.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The launcher run in its own JVM, as the {@code walgate} script runs it. */
final class LauncherProcess {
    private LauncherProcess() {}

    /** What a finished command printed and how it ended. */
    record Result(int exitCode, String output) {}

    /** A running {@code walgate up} with its data folder and its output. */
    record Up(Process process, Path dataDir, Path log) {
        String output() throws IOException {
            return Files.readString(log);
        }

        /** The live server behind {@code name}'s record. */
        ProcessHandle server(String name) {
            return ProcessRecord.live(dataDir.resolve(name).resolve("server.pid"), dataDir.toString())
                    .orElseThrow(() -> new AssertionError(name + " has no live record"));
        }

        int port(String server, String endpointVariable) {
            Map<String, String> endpoints =
                    Main.readServers(dataDir.resolve(Devstack.STATE_FILE)).get(server);
            return Main.portOf(endpoints.get(endpointVariable)).orElseThrow();
        }
    }

    /** Starts {@code walgate up} on a fresh folder under target/ and waits until it is ready. */
    static Up up(String name, String... options) throws IOException {
        Path dataDir = Path.of("target", name).toAbsolutePath();
        Path log = Path.of("target", name + ".log").toAbsolutePath();
        // A state file left by an earlier run would read as "ready" before this launcher started.
        Files.deleteIfExists(dataDir.resolve(Devstack.STATE_FILE));
        List<String> args =
                new ArrayList<>(List.of("up", "--data-dir", dataDir.toString(), "--fresh", "--random-ports"));
        args.addAll(List.of(options));
        Process process = java(args.toArray(new String[0]))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> !process.isAlive() || Files.exists(dataDir.resolve(Devstack.STATE_FILE)));
        assertThat(process.isAlive())
                .as("the launcher runs; its output:\n%s", ChildProcess.tail(log, 40))
                .isTrue();
        return new Up(process, dataDir, log);
    }

    /** Runs one launcher command to its end. */
    static Result run(String... args) throws IOException, InterruptedException {
        Path output = Files.createTempFile(Path.of("target"), "launcher-", ".out");
        Process process = java(args)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("walgate " + String.join(" ", args) + " did not finish within 3 minutes");
        }
        String printed = Files.readString(output);
        Files.delete(output);
        return new Result(process.exitValue(), printed);
    }

    static ProcessBuilder java(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                ManagedServer.javaBinary(),
                "-cp",
                Path.of("target", "classes").toAbsolutePath() + ":"
                        + Files.readString(Path.of("target", "launcher.classpath"))
                                .trim(),
                Main.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }
}
