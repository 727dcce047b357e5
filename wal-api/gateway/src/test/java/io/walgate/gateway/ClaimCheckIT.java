package io.walgate.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import io.walgate.api.v1.Durable;
import io.walgate.api.v1.WriteAheadLogGrpc;
import io.walgate.api.v1.WriteToLogRequest;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.EnvelopeCodec;
import io.walgate.contract.entry.PayloadRef;
import io.walgate.devstack.WalgateServices;
import java.net.URI;
import java.net.URL;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Payloads above what the log carries (Kafka ~1 MiB, SQS 256 KiB) but within the namespace's limit
 * are stored in the gateway's PostgreSQL, and the log gets a claim check a worker can redeem.
 */
@QuarkusTest
@QuarkusTestResource(GatewayDevstack.class)
@TestSecurity(user = "svc-orders")
class ClaimCheckIT {
    @TestHTTPResource("/")
    URL http;

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static String writeRest(String namespace, byte[] payload) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("payload", Base64.getEncoder().encodeToString(payload), "partitionKey", "big"))
                .post("/v1/namespaces/" + namespace + "/entries")
                .then()
                .statusCode(201)
                .extract()
                .path("entryId");
    }

    /** The claim check on the log redeems, from the gateway's database, exactly the bytes written. */
    private static void assertRedeemable(Envelope onLog, byte[] payload) throws Exception {
        assertThat(onLog.payload()).isEmpty();
        PayloadRef ref = onLog.payloadRef();
        assertThat(ref).isNotNull();
        assertThat(ref.store()).isEqualTo(PayloadRef.POSTGRES);
        assertThat(ref.size()).isEqualTo(payload.length);
        assertThat(ref.sha256()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(payload));
        try (Connection db = GatewayDevstack.devstack().postgres().connect(WalgateServices.GATEWAY_DATABASE);
                PreparedStatement q = db.prepareStatement(
                        "SELECT payload, namespace, expires_at IS NULL AND released_at IS NULL AND regions_pending = '{local}' FROM payloads"
                                + " WHERE entry_id = ?")) {
            q.setObject(1, onLog.id().uuid());
            ResultSet row = q.executeQuery();
            assertThat(row.next()).as("a stored payload for %s", onLog.id()).isTrue();
            assertThat(row.getBytes(1)).isEqualTo(payload);
            assertThat(row.getString(2)).isEqualTo(onLog.namespace());
            // The write is durable: no expiry, kept until its region has applied it.
            assertThat(row.getBoolean(3))
                    .as("kept until applied in region local")
                    .isTrue();
        }
    }

    @Test
    void aPayloadTooLargeForAKafkaRecordIsClaimCheckedAndRedeemable() throws Exception {
        byte[] payload = random(3 * 1024 * 1024 / 2);
        String id = writeRest("big", payload);

        Envelope onLog =
                LogReader.read("wal.big", 1, e -> e.id().toString().equals(id)).get(0);

        assertRedeemable(onLog, payload);
    }

    @Test
    void aPayloadTooLargeForAnSqsMessageIsClaimCheckedAndRedeemable() throws Exception {
        byte[] payload = random(300 * 1024);
        String id = writeRest("bigq", payload);

        try (SqsClient sqs = SqsClient.builder()
                .endpointOverride(URI.create(GatewayDevstack.devstack().sqs().endpoint()))
                .region(Region.of("elasticmq"))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build()) {
            String url = sqs.getQueueUrl(b -> b.queueName("wal-bigq")).queueUrl();
            Envelope onLog = null;
            for (int i = 0; i < 10 && onLog == null; i++) {
                for (Message m : sqs.receiveMessage(
                                b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1))
                        .messages()) {
                    Envelope e = EnvelopeCodec.decode(Base64.getDecoder().decode(m.body()));
                    if (e.id().toString().equals(id)) {
                        onLog = e;
                    }
                }
            }
            assertThat(onLog).as("entry %s in the queue", id).isNotNull();
            assertRedeemable(onLog, payload);
        }
    }

    @Test
    void aLargeGrpcWriteIsClaimCheckedToo() throws Exception {
        byte[] payload = random(2 * 1024 * 1024);
        ManagedChannel channel = ManagedChannelBuilder.forAddress(http.getHost(), http.getPort())
                .usePlaintext()
                .maxInboundMessageSize(8 * 1024 * 1024)
                .build();
        try {
            var response = WriteAheadLogGrpc.newBlockingStub(channel)
                    .writeToLog(WriteToLogRequest.newBuilder()
                            .setNamespace("big")
                            .setPayload(ByteString.copyFrom(payload))
                            .setPartitionKey("big-" + UUID.randomUUID())
                            .build());
            assertThat(response.getDurable()).isEqualTo(Durable.TRUE);
            Envelope onLog = LogReader.read("wal.big", 1, e -> e.id().toString().equals(response.getEntryId()))
                    .get(0);
            assertRedeemable(onLog, payload);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSmallPayloadStaysInline() {
        byte[] payload = random(1000);
        String id = writeRest("big", payload);

        Envelope onLog =
                LogReader.read("wal.big", 1, e -> e.id().toString().equals(id)).get(0);

        assertThat(onLog.payloadRef()).isNull();
        assertThat(onLog.payload()).isEqualTo(payload);
    }
}
