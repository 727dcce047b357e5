package io.walgate.benchmarks;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP target, in this process: records, per phase (header {@code phase}), the receipt time −
 * the entry's stamped due time (header {@code due}, microseconds since the epoch).
 *
 * <p>A plain HTTP/1.1 server, a thread per kept-alive connection, answering {@code 204} to every
 * request: the JDK's {@code HttpServer} (a selector thread handing each request to a pool and each
 * finished connection back) made the worker's HTTP attempts 32 ms on average under E1's load, 1.6
 * ms to Redis, and so measured itself rather than the worker. Enough HTTP for the worker's client:
 * requests with a {@code Content-Length} body or none.
 */
final class Upstream implements AutoCloseable {
    private final ServerSocket server;
    private final Map<String, ConcurrentLinkedQueue<Long>> latencies = new ConcurrentHashMap<>();
    private static final byte[] NO_CONTENT = "HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    Upstream() throws IOException {
        server = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "upstream-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread connection = new Thread(() -> serve(socket), "upstream-connection");
                connection.setDaemon(true);
                connection.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (true) {
                String requestLine = line(in);
                if (requestLine == null) {
                    return; // the client closed the connection
                }
                long now = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
                String phase = null;
                String due = null;
                long length = 0;
                for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
                    int colon = header.indexOf(':');
                    String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                    String value = header.substring(colon + 1).trim();
                    switch (name) {
                        case "walgate-header-phase" -> phase = value;
                        case "walgate-header-due" -> due = value;
                        case "content-length" -> length = Long.parseLong(value);
                        default -> {}
                    }
                }
                in.skipNBytes(length);
                if (phase != null && due != null) {
                    latencies
                            .computeIfAbsent(phase, p -> new ConcurrentLinkedQueue<>())
                            .add(now - Long.parseLong(due));
                }
                out.write(NO_CONTENT);
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            // a connection the client dropped, or a request this server does not understand: gone
        }
    }

    /** One CRLF-ended line, without it; null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) c);
        }
        return line.length() == 0 ? null : line.toString();
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/apply";
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
    public void close() throws IOException {
        server.close();
    }
}
