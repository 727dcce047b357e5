package io.walgate.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One real server, run as a child process on loopback with its data under one folder.
 *
 * <ol>
 *   <li>{@link #start} prepares the data folder the first time (format, initdb…), launches the
 *       process and returns once the server answers its own protocol; it is a no-op when running.
 *   <li>{@link #stop} asks the server to shut down cleanly and waits; {@link #kill} is {@code kill
 *       -9}, for fault-injection tests. Both keep the data, so {@link #start} brings the same server
 *       back on the same ports.
 *   <li>Methods are synchronized: one server is driven by one caller at a time.
 * </ol>
 *
 * Failures are {@link DevstackException}s whose message names the server and quotes its log.
 */
public abstract class ManagedServer implements AutoCloseable {
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final String name;
    private final Path dir;
    private Process process;
    private Duration lastStartTime = Duration.ZERO;

    protected ManagedServer(String name, Path dataRoot) {
        this.name = name;
        this.dir = dataRoot.resolve(name).toAbsolutePath();
    }

    /** The short name, also the folder under the data root: "kafka", "sqs", "postgres"… */
    public String name() {
        return name;
    }

    /** This server's data folder. */
    public Path dir() {
        return dir;
    }

    /** Where the server's output goes. */
    public Path logFile() {
        return dir.resolve("server.log");
    }

    Path pidFile() {
        return dir.resolve("server.pid");
    }

    /** The ports this server listens on, with what each is for; checked before start. */
    protected abstract Map<Integer, String> ports();

    /** Prepares the data folder; called before every start, must be idempotent. */
    protected void prepare() throws IOException {}

    /** The command line that runs the server in the foreground. */
    protected abstract List<String> command() throws IOException;

    protected Map<String, String> environment() {
        return Map.of();
    }

    /** Whether the server answers its protocol. Must return within a few seconds. */
    protected abstract boolean isReady();

    protected Duration startTimeout() {
        return Duration.ofSeconds(90);
    }

    /** The signal that shuts the server down promptly and cleanly. */
    protected String stopSignal() {
        return "TERM";
    }

    /** The one endpoint a person connects to, for printing. */
    public abstract String endpoint();

    /** The endpoints to print and to hand to clients, e.g. {@code WALGATE_KAFKA_BOOTSTRAP}. */
    public abstract Map<String, String> endpoints();

    public final synchronized void start() {
        if (isRunning()) {
            return;
        }
        long began = System.nanoTime();
        try {
            Files.createDirectories(dir);
            ports().forEach(Ports::requireFree);
            prepare();
            process = ChildProcess.launch(command(), environment(), dir, logFile(), pidFile());
        } catch (IOException e) {
            throw new DevstackException("cannot prepare " + name + " in " + dir + ": " + e.getMessage(), e);
        }
        awaitReady();
        lastStartTime = Duration.ofNanos(System.nanoTime() - began);
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + startTimeout().toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new DevstackException(name + " exited with code " + process.exitValue()
                        + " while starting. Last lines of " + logFile() + ":\n" + ChildProcess.tail(logFile(), 30));
            }
            if (isReady()) {
                return;
            }
            sleep(100);
        }
        kill();
        throw new DevstackException(
                name + " did not become ready within " + startTimeout().toSeconds() + " s. Last lines of " + logFile()
                        + ":\n" + ChildProcess.tail(logFile(), 30));
    }

    /** Shuts the server down cleanly, or forcibly if it does not stop within 30 s. */
    public final synchronized void stop() {
        if (process == null) {
            return;
        }
        if (process.isAlive()) {
            ChildProcess.signal(process.pid(), stopSignal());
            if (!waitFor(STOP_GRACE)) {
                process.destroyForcibly();
                waitFor(STOP_GRACE);
            }
        }
        forget();
    }

    /** {@code kill -9}: the server gets no chance to flush or say goodbye. */
    public final synchronized void kill() {
        if (process == null) {
            return;
        }
        // Children first (PostgreSQL backends, the watchdog), so none lingers holding the data.
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        waitFor(STOP_GRACE);
        forget();
    }

    /** Stops (cleanly) and starts again on the same ports with the same data. */
    public final synchronized void restart() {
        stop();
        start();
    }

    /**
     * How a server ended that was neither stopped nor killed through this object: it crashed, or
     * something outside killed it. Empty while it runs, before it first starts, and after {@link
     * #stop} or {@link #kill}; {@link #start} clears it.
     */
    public final synchronized Optional<Exit> unexpectedExit() {
        return process != null && !process.isAlive()
                ? Optional.of(new Exit(process.pid(), process.exitValue()))
                : Optional.empty();
    }

    /** The pid a server had and the exit code it ended with (128 + signal when a signal ended it). */
    public record Exit(long pid, int code) {}

    public final synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The server's pid while it runs. */
    public final synchronized Optional<Long> pid() {
        return isRunning() ? Optional.of(process.pid()) : Optional.empty();
    }

    /** How long the last {@link #start} took, from launch to answering. */
    public final synchronized Duration lastStartTime() {
        return lastStartTime;
    }

    /**
     * Resident memory of the server's process tree in bytes (a launcher script and its JVM, a
     * postmaster and its backends), or 0 when it is not running.
     */
    public final long residentBytes() {
        return pid().flatMap(ProcessHandle::of)
                .map(p -> rss(p.pid())
                        + p.descendants().mapToLong(d -> rss(d.pid())).sum())
                .orElse(0L);
    }

    @Override
    public void close() {
        stop();
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void forget() {
        process = null;
        try {
            Files.deleteIfExists(pidFile());
        } catch (IOException e) {
            // A stale pid file is harmless: reaping checks the pid's command line first.
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DevstackException("interrupted", e);
        }
    }

    private static long rss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // the process just went away
        }
        return 0;
    }

    /** The java binary this JVM runs on; child JVMs use the same. */
    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Whether this process runs as root, which PostgreSQL refuses. */
    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    @Override
    public String toString() {
        return name + endpoints();
    }
}
