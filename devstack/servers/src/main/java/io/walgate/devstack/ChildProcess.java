package io.walgate.devstack;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Launches a server as a child process that cannot outlive this JVM.
 *
 * <p>A shutdown hook covers a normal exit and Ctrl-C, but not a {@code kill -9} of this JVM. For
 * that, each child starts under a tiny bash watchdog: it forks a sidecar that polls this JVM's
 * pid and then {@code exec}s the server, so the server keeps the pid we know (and can kill -9 in
 * a test). When this JVM is gone the sidecar sends the server SIGTERM, and SIGKILL 20 s later.
 * Each child's pid and start time are written to a pid file ({@link ProcessRecord}), for {@code
 * walgate down} to reap and {@code walgate status} to report.
 */
final class ChildProcess {
    private static final String WATCHDOG = String.join(
            "\n",
            "parent=$1; shift",
            "(",
            "  while kill -0 \"$parent\" 2>/dev/null && kill -0 $$ 2>/dev/null; do sleep 1; done",
            "  if kill -0 $$ 2>/dev/null && ! kill -0 \"$parent\" 2>/dev/null; then",
            "    kill -TERM $$ 2>/dev/null",
            "    for i in $(seq 20); do sleep 1; kill -0 $$ 2>/dev/null || exit 0; done",
            "    kill -KILL $$ 2>/dev/null",
            "  fi",
            ") </dev/null >/dev/null 2>&1 &",
            "exec \"$@\"");

    private ChildProcess() {}

    /**
     * Starts {@code command} with its output appended to {@code log} and its pid written to {@code
     * pidFile}.
     */
    static Process launch(List<String> command, Map<String, String> env, Path workDir, Path log, Path pidFile) {
        List<String> full = new ArrayList<>(List.of(
                "bash",
                "-c",
                WATCHDOG,
                "walgate-watchdog",
                Long.toString(ProcessHandle.current().pid())));
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(env);
        try {
            Files.createDirectories(log.getParent());
            Process process = builder.start();
            ProcessRecord.write(pidFile, process.pid());
            return process;
        } catch (IOException e) {
            throw new DevstackException("cannot start " + command.get(0) + ": " + e.getMessage(), e);
        }
    }

    /** Runs a short command to completion; fails with its output when it does not exit 0. */
    static void runToCompletion(
            List<String> command, Map<String, String> env, Path workDir, Path log, long timeoutSeconds) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new DevstackException(
                        String.join(" ", command) + " did not finish in " + timeoutSeconds + " s; see " + log);
            }
            if (process.exitValue() != 0) {
                throw new DevstackException(
                        String.join(" ", command) + " failed (exit " + process.exitValue() + "):\n" + tail(log, 20));
            }
        } catch (IOException e) {
            throw new DevstackException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DevstackException("interrupted while running " + command.get(0), e);
        }
    }

    /** Sends a signal by name ("TERM", "INT", "KILL") to a pid. */
    static void signal(long pid, String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new DevstackException("cannot signal pid " + pid + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The live process behind a pid file, if it is still ours (see {@link ProcessRecord}): a
     * recycled pid is never killed.
     */
    static Optional<ProcessHandle> fromPidFile(Path pidFile, String marker) {
        return ProcessRecord.live(pidFile, marker);
    }

    static String commandLine(ProcessHandle process) {
        // /proc gives the full argument list even when ProcessHandle.Info cannot.
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return process.info().commandLine().orElse("");
        }
    }

    /** The last {@code lines} lines of a log, for error messages. */
    static String tail(Path log, int lines) {
        try {
            // Decoding with replacement: a server log may hold bytes that are not UTF-8.
            List<String> all = new String(Files.readAllBytes(log), StandardCharsets.UTF_8)
                    .lines()
                    .toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log at " + log + ")";
        }
    }
}
