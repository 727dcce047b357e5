package io.walgate.adapter.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@link SqsFailures} on the exceptions the real SDK throws after its own retries, against a
 * loopback socket that misbehaves on purpose: nothing listening, a connection dropped after the
 * request was read, an HTTP error.
 */
class SqsFailuresTest {
    private ServerSocket server;
    private SqsClient sqs;

    @AfterEach
    void close() throws IOException {
        if (sqs != null) {
            sqs.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aConnectionRefusedOnEveryAttemptIsCertainlyNotStored() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }

        SdkException failure = send(port);

        assertThat(failure.numAttempts()).isGreaterThan(1);
        assertThat(SqsFailures.certainlyNotStored(failure)).isTrue();
    }

    @Test
    void aConnectionDroppedAfterTheRequestWasReadMayHaveStoredIt() throws IOException {
        server = listen();
        CompletableFuture.runAsync(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    readRequest(s.getInputStream());
                } catch (IOException closed) {
                    return;
                }
            }
        });

        assertThat(SqsFailures.certainlyNotStored(send(server.getLocalPort()))).isFalse();
    }

    @Test
    void anAttemptDroppedAfterItsRequestWasReadIsNotForgottenWhenTheRetriesAreRefused() throws IOException {
        server = listen();
        // The first attempt reaches the server (which may have stored it); then the server is gone
        // and every retry is refused: the SDK's last exception alone says "never connected".
        CompletableFuture.runAsync(() -> {
            try (Socket s = server.accept()) {
                readRequest(s.getInputStream());
                server.close();
            } catch (IOException ignored) {
                // the test's assertion tells
            }
        });

        SdkException failure = send(server.getLocalPort());

        assertThat(failure.numAttempts()).isGreaterThan(1);
        assertThat(failure).hasRootCauseInstanceOf(ConnectException.class);
        assertThat(SqsFailures.certainlyNotStored(failure)).isFalse();
    }

    @Test
    void aQueueThatDoesNotExistIsCertainlyNotStored() throws IOException {
        server = answering(
                "400 Bad Request",
                "AWS.SimpleQueueService.NonExistentQueue;Sender",
                "{\"__type\":\"com.amazonaws.sqs#QueueDoesNotExist\",\"message\":\"The specified queue does not exist.\"}");

        SdkException failure = send(server.getLocalPort());

        assertThat(SqsFailures.certainlyNotStored(failure)).isTrue();
    }

    @Test
    void aServerErrorMayHaveStoredIt() throws IOException {
        server = answering(
                "500 Internal Server Error",
                "InternalError;Receiver",
                "{\"__type\":\"com.amazonaws.sqs#InternalError\",\"message\":\"oops\"}");

        assertThat(SqsFailures.certainlyNotStored(send(server.getLocalPort()))).isFalse();
    }

    private SdkException send(int port) {
        sqs = SqsAdapters.client(
                URI.create("http://127.0.0.1:" + port),
                "elasticmq",
                StaticCredentialsProvider.create(AwsBasicCredentials.create("walgate", "walgate")));
        return catchThrowableOfType(
                SdkException.class,
                () -> sqs.sendMessage(b -> b.queueUrl("http://127.0.0.1:" + port + "/000000000000/q")
                        .messageBody("x")));
    }

    private static ServerSocket listen() throws IOException {
        return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    /** A server that answers every request with {@code status} and an SQS JSON error. */
    private static ServerSocket answering(String status, String queryError, String body) throws IOException {
        ServerSocket answering = listen();
        byte[] json = body.getBytes(StandardCharsets.UTF_8);
        CompletableFuture.runAsync(() -> {
            while (!answering.isClosed()) {
                try (Socket s = answering.accept()) {
                    readRequest(s.getInputStream());
                    OutputStream out = s.getOutputStream();
                    out.write(("HTTP/1.1 " + status + "\r\n"
                                    + "Content-Type: application/x-amz-json-1.0\r\n"
                                    + "x-amzn-query-error: " + queryError + "\r\n"
                                    + "x-amzn-RequestId: test\r\n"
                                    + "Content-Length: " + json.length + "\r\n"
                                    + "Connection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(json);
                    out.flush();
                } catch (IOException closed) {
                    return;
                }
            }
        });
        return answering;
    }

    /** Reads one whole HTTP request: its headers, then Content-Length bytes of body. */
    private static void readRequest(InputStream in) throws IOException {
        StringBuilder headers = new StringBuilder();
        while (!headers.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                return;
            }
            headers.append((char) c);
        }
        int length = 0;
        for (String line : headers.toString().split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        in.readNBytes(length);
    }
}
