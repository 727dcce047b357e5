package io.walgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.walgate.api.v1.Durable;
import io.walgate.api.v1.GetMutationStatusRequest;
import io.walgate.api.v1.Lifecycle;
import io.walgate.api.v1.MutateItemsRequest;
import io.walgate.api.v1.MutateItemsResponse;
import io.walgate.api.v1.MutationItem;
import io.walgate.api.v1.MutationState;
import io.walgate.api.v1.MutationStatus;
import io.walgate.api.v1.Op;
import io.walgate.api.v1.RegionProgress;
import io.walgate.api.v1.Target;
import io.walgate.api.v1.WriteAheadLogGrpc;
import io.walgate.api.v1.WriteBatchRequest;
import io.walgate.api.v1.WriteBatchResponse;
import io.walgate.api.v1.WriteToLogRequest;
import io.walgate.api.v1.WriteToLogResponse;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.TargetOp;
import io.walgate.gateway.grpc.GrpcErrors;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(GatewayDevstack.class)
@TestSecurity(user = "svc-orders")
class GrpcIT {
    @TestHTTPResource("/")
    URL http;

    private ManagedChannel channel;
    private WriteAheadLogGrpc.WriteAheadLogBlockingStub wal;

    @BeforeEach
    void connect() {
        // gRPC shares the HTTP port: clients speak HTTP/2 without TLS to the same address as REST.
        channel = ManagedChannelBuilder.forAddress(http.getHost(), http.getPort())
                .usePlaintext()
                .build();
        wal = WriteAheadLogGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private static WriteToLogRequest.Builder entry(String namespace, String payload) {
        return WriteToLogRequest.newBuilder()
                .setNamespace(namespace)
                .setPayload(ByteString.copyFrom(payload, StandardCharsets.UTF_8));
    }

    private static Envelope onTopic(String topic, String entryId) {
        var found = LogReader.read(topic, 1, x -> x.id().toString().equals(entryId));
        assertThat(found).as("entry %s on %s", entryId, topic).hasSize(1);
        return found.get(0);
    }

    @Test
    void aGrpcWriteLandsOnTheTopicWithItsWholeEnvelopeAndTraceContext() {
        String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER), traceparent);

        WriteToLogResponse response = wal.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .writeToLog(entry("orders", "over grpc")
                        .setPartitionKey("order-7")
                        .setIdempotencyKey("grpc-1")
                        .setContentType("text/plain")
                        .putHeaders("source", "grpc-it")
                        .setTarget(Target.newBuilder().setKey("row-7").setOp(Op.PUT))
                        .setLifecycle(Lifecycle.newBuilder()
                                .setOriginalWriteTime(Timestamp.newBuilder().setSeconds(1_800_000_000L)))
                        .build());

        assertThat(response.getDurable()).isEqualTo(Durable.TRUE);
        assertThat(response.getNamespace()).isEqualTo("orders");
        Envelope e = onTopic("wal.orders", response.getEntryId());
        assertThat(new String(e.payload(), StandardCharsets.UTF_8)).isEqualTo("over grpc");
        assertThat(e.partitionKey()).isEqualTo("order-7");
        assertThat(e.idempotencyKey()).isEqualTo("grpc-1");
        assertThat(e.contentType()).isEqualTo("text/plain");
        assertThat(e.headers()).containsEntry("source", "grpc-it");
        assertThat(e.target().key()).isEqualTo("row-7");
        assertThat(e.target().op()).isEqualTo(TargetOp.PUT);
        assertThat(e.originalWriteTime()).isEqualTo(Instant.ofEpochSecond(1_800_000_000L));
        assertThat(e.traceparent()).isEqualTo(traceparent);
    }

    @Test
    void aGrpcWriteToAnSqsNamespaceLandsInItsQueue() {
        WriteToLogResponse response = wal.writeToLog(entry("queue", "to sqs").build());
        assertThat(response.getDurable()).isEqualTo(Durable.TRUE);
        assertThat(response.getEntryId()).isNotEmpty();
    }

    @Test
    void aBatchAnswersEveryEntryInOrderAndABadEntryFailsAlone() {
        WriteBatchResponse response = wal.writeBatch(WriteBatchRequest.newBuilder()
                .setNamespace("orders")
                .addEntries(entry("", "first").setPartitionKey("b"))
                .addEntries(entry("", "bad")
                        .setLifecycle(Lifecycle.newBuilder()
                                .setDelay(Duration.newBuilder().setSeconds(-5))))
                .addEntries(entry("orders", "third").setPartitionKey("b"))
                .addEntries(entry("queue", "another namespace"))
                .build());

        assertThat(response.getResultsList())
                .extracting(WriteToLogResponse::getDurable)
                .containsExactly(Durable.TRUE, Durable.FALSE, Durable.TRUE, Durable.FALSE);
        assertThat(response.getResults(1).getErrorCode()).isEqualTo("INVALID_LIFECYCLE");
        assertThat(response.getResults(1).getEntryId()).isEmpty();
        assertThat(response.getResults(3).getErrorCode()).isEqualTo("MALFORMED_REQUEST");
        assertThat(new String(
                        onTopic("wal.orders", response.getResults(0).getEntryId())
                                .payload(),
                        StandardCharsets.UTF_8))
                .isEqualTo("first");
        assertThat(new String(
                        onTopic("wal.orders", response.getResults(2).getEntryId())
                                .payload(),
                        StandardCharsets.UTF_8))
                .isEqualTo("third");
    }

    @Test
    void anEmptyOrOversizeBatchIsRefusedAsAWhole() {
        assertRefused(
                () -> wal.writeBatch(
                        WriteBatchRequest.newBuilder().setNamespace("orders").build()),
                Status.Code.INVALID_ARGUMENT,
                "MISSING_FIELD");
        WriteBatchRequest.Builder big = WriteBatchRequest.newBuilder().setNamespace("orders");
        for (int i = 0; i < 501; i++) {
            big.addEntries(entry("", "x"));
        }
        assertRefused(() -> wal.writeBatch(big.build()), Status.Code.INVALID_ARGUMENT, "BATCH_TOO_LARGE");
    }

    @Test
    void anUnknownNamespaceIsNotFoundWithTheCodeInTrailersAndDetails() {
        StatusRuntimeException e = assertRefused(
                () -> wal.writeToLog(entry("no-such-namespace", "x").build()),
                Status.Code.NOT_FOUND,
                "NAMESPACE_NOT_FOUND");
        ErrorInfo info = errorInfo(e);
        assertThat(info.getDomain()).isEqualTo("walgate.io");
        assertThat(info.getMetadataMap()).containsEntry("durable", "FALSE");
        assertThat(e.getStatus().getDescription()).contains("no-such-namespace");
    }

    @Test
    void eachBadRequestGetsItsOwnStatusAndCode() {
        assertRefused(
                () -> wal.writeToLog(entry("orders", "x".repeat(5000)).build()),
                Status.Code.INVALID_ARGUMENT,
                "PAYLOAD_TOO_LARGE");
        assertRefused(
                () -> wal.writeToLog(entry("paused", "x").build()),
                Status.Code.FAILED_PRECONDITION,
                "NAMESPACE_PAUSED");
        StatusRuntimeException shard = assertRefused(
                () -> wal.writeToLog(entry("elsewhere", "x").build()), Status.Code.FAILED_PRECONDITION, "WRONG_SHARD");
        assertThat(shard.getStatus().getDescription()).contains("'cache'");
        assertRefused(() -> wal.writeToLog(entry("", "x").build()), Status.Code.INVALID_ARGUMENT, "MISSING_FIELD");
        assertRefused(
                () -> wal.writeToLog(entry("orders", "x")
                        .setTarget(Target.newBuilder().setOpValue(7))
                        .build()),
                Status.Code.INVALID_ARGUMENT,
                "INVALID_TARGET");
        assertRefused(
                () -> wal.writeToLog(entry("orders", "x")
                        .setLifecycle(Lifecycle.newBuilder()
                                .setDeliverAt(Timestamp.newBuilder().setSeconds(Long.MAX_VALUE)))
                        .build()),
                Status.Code.INVALID_ARGUMENT,
                "INVALID_LIFECYCLE");
    }

    @Test
    void violationsAreListedFieldByField() {
        StatusRuntimeException e = assertRefused(
                () -> wal.writeToLog(entry("orders", "x")
                        .setLifecycle(Lifecycle.newBuilder()
                                .setDelay(Duration.newBuilder().setSeconds(-1)))
                        .build()),
                Status.Code.INVALID_ARGUMENT,
                "INVALID_LIFECYCLE");
        BadRequest bad = detail(e, BadRequest.class);
        assertThat(bad.getFieldViolationsList())
                .anySatisfy(v -> assertThat(v.getReason()).isEqualTo("INVALID_LIFECYCLE"));
    }

    @Test
    void aNamespaceOverItsRateIsExhaustedWithARetryHint() {
        StatusRuntimeException limited = null;
        for (int i = 0; i < 5 && limited == null; i++) {
            try {
                wal.writeToLog(entry("slow", "x").build());
            } catch (StatusRuntimeException e) {
                limited = e;
            }
        }
        assertThat(limited).as("the fifth write in a second to a 1/s namespace").isNotNull();
        assertThat(limited.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(limited.getTrailers().get(GrpcErrors.CODE)).isEqualTo("RATE_LIMITED");
        RetryInfo retry = detail(limited, RetryInfo.class);
        assertThat(retry.getRetryDelay().getSeconds() * 1000
                        + retry.getRetryDelay().getNanos() / 1_000_000)
                .isPositive();
    }

    @Test
    @TestSecurity(user = "intruder")
    void aCallerWithNoPartInANamespaceCannotTellItFromAMissingOne() {
        StatusRuntimeException hidden = assertRefused(
                () -> wal.writeToLog(entry("orders", "x").build()), Status.Code.NOT_FOUND, "NAMESPACE_NOT_FOUND");
        StatusRuntimeException missing = assertRefused(
                () -> wal.writeToLog(entry("no-such-ns", "x").build()), Status.Code.NOT_FOUND, "NAMESPACE_NOT_FOUND");
        assertThat(hidden.getStatus().getDescription())
                .isEqualTo(missing.getStatus().getDescription().replace("no-such-ns", "orders"));
    }

    @Test
    @TestSecurity(authorizationEnabled = true)
    void anAnonymousCallerIsUnauthenticated() {
        assertRefused(
                () -> wal.writeToLog(entry("orders", "x").build()), Status.Code.UNAUTHENTICATED, "UNAUTHENTICATED");
    }

    @Test
    void aMutationOverGrpcStoresItsItemsLogsOneMarkerAndReportsItsProgress() {
        MutateItemsRequest request = MutateItemsRequest.newBuilder()
                .setNamespace("orders")
                .setIdempotencyKey("grpc-mutation-1")
                .putHeaders("batch", "b7")
                .addItems(MutationItem.newBuilder()
                        .setPayload(ByteString.copyFromUtf8("one"))
                        .setTarget(Target.newBuilder().setKey("a")))
                .addItems(MutationItem.newBuilder()
                        .setPayload(ByteString.copyFromUtf8("two"))
                        .setTarget(Target.newBuilder().setKey("b"))
                        .putHeaders("batch", "item"))
                .addItems(MutationItem.newBuilder()
                        .setTarget(Target.newBuilder().setKey("a").setOp(Op.DELETE)))
                .build();

        MutateItemsResponse response = wal.mutateItems(request);

        assertThat(response.getDurable()).isEqualTo(Durable.TRUE);
        assertThat(response.getItemCount()).isEqualTo(3);
        assertThat(response.getRepeat()).isFalse();
        Envelope marker = onTopic("wal.orders", response.getMutationId());
        assertThat(marker.mutation().itemCount()).isEqualTo(3);
        assertThat(marker.mutation().payloadBytes()).isEqualTo(6);
        assertThat(marker.payload()).isEmpty();
        assertThat(marker.headers()).containsEntry("batch", "b7");

        MutationStatus status = wal.getMutationStatus(GetMutationStatusRequest.newBuilder()
                .setNamespace("orders")
                .setMutationId(response.getMutationId())
                .build());
        assertThat(status.getState()).as("no worker here").isEqualTo(MutationState.PENDING);
        assertThat(status.getLogged()).isTrue();
        assertThat(status.getItemCount()).isEqualTo(3);
        assertThat(status.getRegionsList())
                .extracting(RegionProgress::getFailedItem)
                .containsOnly(-1);

        MutateItemsResponse repeat = wal.mutateItems(request);
        assertThat(repeat.getMutationId()).isEqualTo(response.getMutationId());
        assertThat(repeat.getRepeat()).isTrue();
    }

    @Test
    void aBadMutationOrAnUnknownOneIsAStatusWithItsCode() {
        assertRefused(
                () -> wal.mutateItems(
                        MutateItemsRequest.newBuilder().setNamespace("orders").build()),
                Status.Code.INVALID_ARGUMENT,
                "EMPTY_MUTATION");
        assertRefused(
                () -> wal.mutateItems(MutateItemsRequest.newBuilder()
                        .setNamespace("orders")
                        .addItems(MutationItem.newBuilder()
                                .setPayload(ByteString.copyFromUtf8("x"))
                                .setTarget(Target.newBuilder().setKey("a").setOp(Op.DELETE)))
                        .build()),
                Status.Code.INVALID_ARGUMENT,
                "INVALID_PAYLOAD");
        StatusRuntimeException unknown = catchThrowableOfType(
                StatusRuntimeException.class,
                () -> wal.getMutationStatus(GetMutationStatusRequest.newBuilder()
                        .setNamespace("orders")
                        .setMutationId("01a2c1e0-52b4-7c1e-9f0d-3b1f2a6c8d00")
                        .build()));
        assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(unknown.getTrailers().get(GrpcErrors.CODE)).isEqualTo("MUTATION_NOT_FOUND");
    }

    private static StatusRuntimeException assertRefused(Runnable call, Status.Code status, String code) {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
        assertThat(e).as("expected %s / %s", status, code).isNotNull();
        assertThat(e.getStatus().getCode()).isEqualTo(status);
        assertThat(e.getTrailers().get(GrpcErrors.CODE)).isEqualTo(code);
        assertThat(e.getTrailers().get(GrpcErrors.DURABLE)).isEqualTo("FALSE");
        assertThat(errorInfo(e).getReason()).isEqualTo(code);
        return e;
    }

    private static ErrorInfo errorInfo(StatusRuntimeException e) {
        return detail(e, ErrorInfo.class);
    }

    private static <T extends Message> T detail(StatusRuntimeException e, Class<T> type) {
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        assertThat(status).as("rich status details").isNotNull();
        return status.getDetailsList().stream()
                .filter(a -> a.is(type))
                .findFirst()
                .map(a -> {
                    try {
                        return a.unpack(type);
                    } catch (InvalidProtocolBufferException x) {
                        throw new AssertionError(x);
                    }
                })
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " in " + status));
    }
}
