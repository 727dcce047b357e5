package io.walgate.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps the servers of a running {@code walgate up} running.
 *
 * <ol>
 *   <li>A server that ends without being stopped (it crashed, or something killed it) is reported
 *       in one line naming its pid, exit code and log, and started again after 1, 2, 4… s (at most
 *       30 s), on the same ports with the same data.
 *   <li>A server that ends more than {@code maxRestarts} times within {@link #WINDOW} is left down,
 *       with one line saying so and naming {@code ./walgate restart NAME}. {@code maxRestarts} 0
 *       never restarts.
 *   <li>{@code ./walgate restart NAME}, from another terminal, leaves {@value #REQUEST} in the
 *       server's folder; the supervisor stops the server cleanly and starts it again (whether it
 *       ran, crashed or was left down), forgets its crashes, and deletes the request when done —
 *       after writing {@value #FAILURE} with the reason when the start failed.
 *   <li>Nothing is restarted once {@link #stop} was called (the launcher is shutting down).
 * </ol>
 */
final class Supervisor implements Runnable {
    static final String REQUEST = "restart.request";
    static final String FAILURE = "restart.failed";
    static final Duration WINDOW = Duration.ofMinutes(10);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final Map<ManagedServer, Watch> watches = new LinkedHashMap<>();
    private final int maxRestarts;
    private final String dataDirArgument;
    private volatile boolean stopping;

    /** What the supervisor knows of one server between polls. */
    private static final class Watch {
        final Deque<Instant> crashes = new ArrayDeque<>();
        boolean down;
        boolean gaveUp;
        Instant nextAttempt = Instant.MIN;
    }

    Supervisor(List<ManagedServer> servers, int maxRestarts, String dataDirArgument) {
        servers.forEach(s -> watches.put(s, new Watch()));
        this.maxRestarts = maxRestarts;
        this.dataDirArgument = dataDirArgument;
    }

    /**
     * Stops supervising. Waits for a start or restart under way (both hold this object's lock), so
     * that once it returns no server is started again and the devstack can stop them all.
     */
    synchronized void stop() {
        stopping = true;
    }

    @Override
    public void run() {
        while (!stopping) {
            watches.forEach(this::tend);
            try {
                Thread.sleep(POLL.toMillis()); // a poll interval, not a synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private synchronized void tend(ManagedServer server, Watch watch) {
        if (stopping) {
            return;
        }
        Path request = server.dir().resolve(REQUEST);
        if (Files.exists(request)) {
            restartOnRequest(server, watch, request);
            return;
        }
        Optional<ManagedServer.Exit> exit = server.unexpectedExit();
        if (exit.isPresent() && !watch.down) {
            watch.down = true;
            crashed(
                    server,
                    watch,
                    "walgate: " + server.name() + " (pid " + exit.get().pid() + ") exited with code "
                            + exit.get().code() + "; its log: " + server.logFile());
        }
        if (watch.down && !watch.gaveUp && !Instant.now().isBefore(watch.nextAttempt)) {
            try {
                server.start();
                watch.down = false;
                System.out.println("walgate: " + server.name() + " answers again (pid "
                        + server.pid().map(String::valueOf).orElse("?") + ")");
            } catch (DevstackException e) {
                crashed(server, watch, "walgate: " + server.name() + " did not start again: " + firstLine(e));
            }
        }
    }

    /** Counts a crash, then schedules the next start or gives up; one line either way. */
    private void crashed(ManagedServer server, Watch watch, String what) {
        Instant now = Instant.now();
        watch.crashes.addLast(now);
        while (!watch.crashes.isEmpty() && watch.crashes.peekFirst().isBefore(now.minus(WINDOW))) {
            watch.crashes.removeFirst();
        }
        int count = watch.crashes.size();
        if (count > maxRestarts) {
            watch.gaveUp = true;
            System.out.println(
                    what + (maxRestarts == 0 ? "" : "; " + count + " times within " + WINDOW.toMinutes() + " minutes")
                            + ", so it stays down. Restart it with: ./walgate restart " + server.name()
                            + dataDirArgument);
            return;
        }
        Duration backoff = Duration.ofSeconds(1L << Math.min(count - 1, 5));
        backoff = backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff;
        watch.nextAttempt = now.plus(backoff);
        System.out.println(what + "; starting it again in " + backoff.toSeconds() + " s (restart " + count + " of "
                + maxRestarts + " within " + WINDOW.toMinutes() + " minutes)");
    }

    private void restartOnRequest(ManagedServer server, Watch watch, Path request) {
        System.out.println("walgate: restarting " + server.name() + " (asked by ./walgate restart)");
        Path failure = server.dir().resolve(FAILURE);
        try {
            Files.deleteIfExists(failure);
            try {
                server.restart();
                watch.crashes.clear();
                watch.down = false;
                watch.gaveUp = false;
                System.out.println("walgate: " + server.name() + " answers again (pid "
                        + server.pid().map(String::valueOf).orElse("?") + ")");
            } catch (DevstackException e) {
                Files.writeString(failure, e.getMessage());
                watch.down = false; // the restart command reports it; a later request tries again
                watch.gaveUp = true;
                System.out.println("walgate: " + server.name() + " did not start again: " + firstLine(e));
            }
            Files.deleteIfExists(request);
        } catch (IOException e) {
            System.out.println("walgate: cannot answer the restart request in " + server.dir() + ": " + e.getMessage());
        }
    }

    private static String firstLine(Exception e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
