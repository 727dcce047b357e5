package io.walgate.gateway.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import com.google.rpc.Status;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.walgate.contract.Violation;
import io.walgate.contract.WalException;
import io.walgate.gateway.core.WriteFailure;

/**
 * The one place where the gateway's errors become gRPC statuses. The status code comes from the
 * error code's table; the details carry the rich error model ({@code google.rpc.ErrorInfo} with
 * reason = the Walgate code and metadata durable/entryId/namespace, {@code RetryInfo} when shed,
 * {@code BadRequest} with each violation), and plain trailers carry the same for clients that do
 * not read details.
 */
public final class GrpcErrors {
    public static final String DOMAIN = "walgate.io";
    public static final Metadata.Key<String> CODE = Metadata.Key.of("walgate-code", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<String> DURABLE =
            Metadata.Key.of("walgate-durable", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<String> ENTRY_ID =
            Metadata.Key.of("walgate-entry-id", Metadata.ASCII_STRING_MARSHALLER);

    private GrpcErrors() {}

    static StatusRuntimeException of(WalException e, String namespace) {
        ErrorInfo.Builder info = ErrorInfo.newBuilder()
                .setReason(e.code().name())
                .setDomain(DOMAIN)
                .putMetadata("durable", e.durability().name());
        if (namespace != null && !namespace.isEmpty()) {
            info.putMetadata("namespace", namespace);
        }
        Metadata trailers = new Metadata();
        trailers.put(CODE, e.code().name());
        trailers.put(DURABLE, e.durability().name());
        Status.Builder status = Status.newBuilder()
                .setCode(io.grpc.Status.Code.valueOf(e.code().grpcStatus()).value())
                .setMessage(e.getMessage());
        if (e instanceof WriteFailure f) {
            if (f.entryId() != null) {
                info.putMetadata("entryId", f.entryId().toString());
                trailers.put(ENTRY_ID, f.entryId().toString());
            }
            if (f.retryAfterMillis() > 0) {
                long ms = f.retryAfterMillis();
                status.addDetails(Any.pack(RetryInfo.newBuilder()
                        .setRetryDelay(
                                Duration.newBuilder().setSeconds(ms / 1000).setNanos((int) (ms % 1000) * 1_000_000))
                        .build()));
            }
        }
        status.addDetails(0, Any.pack(info.build()));
        if (!e.violations().isEmpty()) {
            BadRequest.Builder bad = BadRequest.newBuilder();
            for (Violation v : e.violations()) {
                bad.addFieldViolations(BadRequest.FieldViolation.newBuilder()
                        .setField(v.field())
                        .setDescription(v.message())
                        .setReason(v.code().name()));
            }
            status.addDetails(Any.pack(bad.build()));
        }
        return StatusProto.toStatusRuntimeException(status.build(), trailers);
    }
}
