package io.walgate.benchmarks;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP target, in this process: records, per phase (header {@code phase}), the receipt time −
 * the entry's stamped due time (header {@code due}, microseconds since the epoch).
 */
final class Upstream implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, ConcurrentLinkedQueue<Long>> latencies = new ConcurrentHashMap<>();

    Upstream() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> {
            long now = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
            exchange.getRequestBody().readAllBytes();
            String phase = exchange.getRequestHeaders().getFirst("Walgate-Header-phase");
            String due = exchange.getRequestHeaders().getFirst("Walgate-Header-due");
            if (phase != null && due != null) {
                latencies
                        .computeIfAbsent(phase, p -> new ConcurrentLinkedQueue<>())
                        .add(now - Long.parseLong(due));
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/apply";
    }

    long received(String phase) {
        ConcurrentLinkedQueue<Long> q = latencies.get(phase);
        return q == null ? 0 : q.size();
    }

    /** The phase's latencies in microseconds, sorted. */
    long[] latencies(String phase) {
        return latencies.getOrDefault(phase, new ConcurrentLinkedQueue<>()).stream()
                .mapToLong(Long::longValue)
                .sorted()
                .toArray();
    }

    /** Waits (up to 3 minutes) until {@code count} entries of the phase arrived, then a second for stragglers. */
    void awaitReceived(String phase, long count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (received(phase) < count && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Thread.sleep(1000);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
