package io.walgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.walgate.api.v1.Durable;
import io.walgate.api.v1.WriteAheadLogGrpc;
import io.walgate.api.v1.WriteToLogRequest;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.namespace.Limits;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Sizes that are promised work; sizes that are not are refused cheaply, as problem+json. Before, a
 * REST payload above ~15 MB failed as MALFORMED_REQUEST (Jackson's 20 M-character string limit)
 * although a namespace may allow 16 MiB, and only writes, not bytes, were counted in flight.
 */
@QuarkusTest
@QuarkusTestResource(GatewayDevstack.class)
@TestSecurity(user = "svc-orders")
class SizesIT {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TestHTTPResource("/")
    URL base;

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + path))
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(120))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String entry(byte[] payload, String key) {
        return "{\"payload\":\"" + Base64.getEncoder().encodeToString(payload) + "\",\"partitionKey\":\"" + key + "\"}";
    }

    @Test
    void aRestWriteOfExactlyTheLargestAllowedPayloadIsDurableAndKeepsItsBytes() throws Exception {
        byte[] payload = random(Limits.MAX_MAX_PAYLOAD_BYTES);
        HttpResponse<String> response = post("/v1/namespaces/huge/entries", entry(payload, "rest-max"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        String id = response.body().replaceAll(".*\"entryId\":\"([^\"]+)\".*", "$1");
        Envelope onLog =
                LogReader.read("wal.huge", 1, e -> e.id().toString().equals(id)).get(0);
        assertThat(onLog.payloadRef().size()).isEqualTo(payload.length);
        assertThat(onLog.payloadRef().sha256())
                .isEqualTo(MessageDigest.getInstance("SHA-256").digest(payload));
    }

    @Test
    void aGrpcWriteOfExactlyTheLargestAllowedPayloadIsDurable() throws Exception {
        byte[] payload = random(Limits.MAX_MAX_PAYLOAD_BYTES);
        ManagedChannel channel = ManagedChannelBuilder.forAddress(base.getHost(), base.getPort())
                .usePlaintext()
                .build();
        try {
            var response = WriteAheadLogGrpc.newBlockingStub(channel)
                    .writeToLog(WriteToLogRequest.newBuilder()
                            .setNamespace("huge")
                            .setPayload(ByteString.copyFrom(payload))
                            .setPartitionKey("grpc-max")
                            .build());
            assertThat(response.getDurable()).isEqualTo(Durable.TRUE);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aFloodOfLargeWritesIsShedAsOverloadedNeverAFailure() throws Exception {
        // 24 writes of 15 MiB (20 MiB of base64 each) against a 64 MiB budget (the test profile's).
        String body = entry(random(15 * 1024 * 1024), "flood");
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(24); // all at once, not the common pool's one
        for (int i = 0; i < 24; i++) {
            calls.add(CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            return post("/v1/namespaces/huge/entries", body);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    clients));
        }
        clients.shutdown();
        List<Integer> statuses = new ArrayList<>();
        for (var call : calls) {
            HttpResponse<String> response = call.get(3, TimeUnit.MINUTES);
            statuses.add(response.statusCode());
            if (response.statusCode() == 503) {
                assertThat(response.body()).contains("\"code\":\"OVERLOADED\"").contains("\"durable\":\"FALSE\"");
                assertThat(response.headers().firstValue("Retry-After")).isPresent();
            }
        }
        assertThat(statuses).allMatch(s -> s == 201 || s == 503).contains(201, 503);
    }

    @Test
    void aBodyOverTheLimitAndAnOverlongUriAreProblemsWithCodes() throws Exception {
        HttpResponse<String> tooBig =
                post("/v1/namespaces/huge/entries", "{\"payload\":\"" + "A".repeat(65 * 1024 * 1024) + "\"}");
        assertThat(tooBig.statusCode()).isEqualTo(413);
        assertThat(tooBig.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).contains("problem+json"));
        assertThat(tooBig.body()).contains("\"code\":\"PAYLOAD_TOO_LARGE\"").contains("\"durable\":\"FALSE\"");

        HttpResponse<String> longUri = post("/v1/namespaces/" + "n".repeat(9000) + "/entries", "{}");
        assertThat(longUri.statusCode()).isEqualTo(414);
        assertThat(longUri.body()).contains("\"code\":\"MALFORMED_REQUEST\"");
    }
}
