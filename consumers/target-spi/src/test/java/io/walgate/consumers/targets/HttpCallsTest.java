package io.walgate.consumers.targets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link HttpCalls} against a plain socket server in the test that answers at once or trickles. */
class HttpCallsTest {
    private ServerSocket server;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::serve, "test-upstream");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    /** {@code /fast} gets a 204; {@code /trickle} gets headers and one byte of its body, then nothing. */
    private void serve() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread t = new Thread(() -> answer(socket));
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void answer(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            while (true) {
                StringBuilder head = new StringBuilder();
                int c;
                while (!head.toString().endsWith("\r\n\r\n") && (c = in.read()) != -1) {
                    head.append((char) c);
                }
                if (head.isEmpty()) {
                    return;
                }
                if (head.toString().startsWith("GET /trickle")) {
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nx".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    in.read(); // the rest never comes: this returns once the client has given up and closed
                    return;
                } else {
                    out.write("HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getLocalPort() + path))
                .GET()
                .build();
    }

    @Test
    void anAnswerThatTricklesIsCutOffAtTheTimeoutAndLeavesNoInterruptBehind() {
        assertThatThrownBy(() -> HttpCalls.send(
                        http, get("/trickle"), HttpResponse.BodyHandlers.discarding(), Duration.ofMillis(300)))
                .isInstanceOf(HttpTimeoutException.class)
                .hasMessageContaining("no whole answer within PT0.3S");
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void anAnswerInTimeIsReturnedWithNoInterruptLeft() throws Exception {
        for (int i = 0; i < 20; i++) {
            HttpResponse<Void> response =
                    HttpCalls.send(http, get("/fast"), HttpResponse.BodyHandlers.discarding(), Duration.ofSeconds(5));
            assertThat(response.statusCode()).isEqualTo(204);
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
        }
    }

    @Test
    void aCallStartsNoThreadPerResponse() throws Exception {
        HttpCalls.send(http, get("/fast"), HttpResponse.BodyHandlers.discarding(), Duration.ofSeconds(5)); // warm
        long before = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount();
        for (int i = 0; i < 200; i++) {
            HttpCalls.send(http, get("/fast"), HttpResponse.BodyHandlers.discarding(), Duration.ofSeconds(5));
        }
        long started = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount() - before;
        assertThat(started)
                .as("threads started for 200 calls (sendAsync on two CPUs starts one per response)")
                .isLessThan(20);
    }

    @Test
    void anInterruptFromElsewhereEndsTheCallAsInterrupted() throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                HttpCalls.send(http, get("/trickle"), HttpResponse.BodyHandlers.discarding(), Duration.ofMinutes(1));
            } catch (Exception e) {
                thrown.set(e);
            }
        });
        caller.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (caller.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // until it waits for the answer
        }
        caller.interrupt();
        caller.join(10_000);
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    }
}
