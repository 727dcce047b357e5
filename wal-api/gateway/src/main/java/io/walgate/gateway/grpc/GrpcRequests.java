package io.walgate.gateway.grpc;

import com.google.protobuf.Timestamp;
import io.walgate.api.v1.Lifecycle.DueCase;
import io.walgate.api.v1.MutateItemsRequest;
import io.walgate.api.v1.MutationItem;
import io.walgate.api.v1.Target;
import io.walgate.api.v1.WriteToLogRequest;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.Violation;
import io.walgate.contract.WalException;
import io.walgate.contract.entry.Lifecycle;
import io.walgate.contract.entry.MutationRequest;
import io.walgate.contract.entry.TargetOp;
import io.walgate.contract.entry.TargetOverride;
import io.walgate.contract.entry.WriteRequest;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * gRPC messages to write requests. proto3 cannot tell an empty string from an absent one, so empty
 * keys read as absent; everything else is checked by the same validator as REST.
 */
final class GrpcRequests {
    private GrpcRequests() {}

    /**
     * @param batchNamespace the batch's namespace, which entries without their own take; empty for
     *     a single write
     * @param field this entry's path in the request, e.g. {@code entries[3]}, for messages
     */
    static WriteRequest toRequest(WriteToLogRequest r, String batchNamespace, String field) {
        String prefix = field.isEmpty() ? "" : field + ".";
        List<Violation> violations = new ArrayList<>();
        String namespace = r.getNamespace().isEmpty() ? batchNamespace : r.getNamespace();
        if (namespace.isEmpty()) {
            violations.add(new Violation(prefix + "namespace", ErrorCode.MISSING_FIELD, "a namespace is required"));
        } else if (!batchNamespace.isEmpty() && !namespace.equals(batchNamespace)) {
            violations.add(new Violation(
                    prefix + "namespace",
                    ErrorCode.MALFORMED_REQUEST,
                    "names '" + namespace + "' but the batch is for '" + batchNamespace + "'"));
        }
        Lifecycle lifecycle = lifecycle(r, prefix, violations);
        TargetOverride target = target(r, prefix, violations);
        if (!violations.isEmpty()) {
            throw WalException.invalid(violations);
        }
        return new WriteRequest(
                namespace,
                lifecycle,
                r.getPayload().toByteArray(),
                target,
                emptyToNull(r.getPartitionKey()),
                emptyToNull(r.getIdempotencyKey()),
                r.getHeadersMap(),
                r.getContentType());
    }

    /** A {@code MutateItems} request; its items are checked by the same validator as REST's. */
    static MutationRequest toRequest(MutateItemsRequest r) {
        List<Violation> violations = new ArrayList<>();
        if (r.getNamespace().isEmpty()) {
            violations.add(new Violation("namespace", ErrorCode.MISSING_FIELD, "a namespace is required"));
        }
        Lifecycle lifecycle = r.hasLifecycle() ? lifecycle(r.getLifecycle(), "", violations) : Lifecycle.immediate();
        List<WriteRequest> items = new ArrayList<>(r.getItemsCount());
        for (int i = 0; i < r.getItemsCount(); i++) {
            MutationItem item = r.getItems(i);
            TargetOverride target = item.hasTarget() ? target(item.getTarget(), "items[" + i + "].", violations) : null;
            items.add(new WriteRequest(
                    r.getNamespace(),
                    Lifecycle.immediate(),
                    item.getPayload().toByteArray(),
                    target,
                    emptyToNull(item.getPartitionKey()),
                    null,
                    item.getHeadersMap(),
                    item.getContentType()));
        }
        if (!violations.isEmpty()) {
            throw WalException.invalid(violations);
        }
        return new MutationRequest(
                r.getNamespace(), items, lifecycle, emptyToNull(r.getIdempotencyKey()), r.getHeadersMap());
    }

    private static Lifecycle lifecycle(WriteToLogRequest r, String prefix, List<Violation> out) {
        if (!r.hasLifecycle()) {
            return Lifecycle.immediate();
        }
        return lifecycle(r.getLifecycle(), prefix, out);
    }

    private static Lifecycle lifecycle(io.walgate.api.v1.Lifecycle l, String prefix, List<Violation> out) {
        try {
            return new Lifecycle(
                    l.getDueCase() == DueCase.DELAY ? duration(l.getDelay()) : null,
                    l.getDueCase() == DueCase.DELIVER_AT ? instant(l.getDeliverAt()) : null,
                    l.hasJitter() ? duration(l.getJitter()) : null,
                    l.hasOriginalWriteTime() ? instant(l.getOriginalWriteTime()) : null);
        } catch (DateTimeException | ArithmeticException e) {
            out.add(new Violation(
                    prefix + "lifecycle", ErrorCode.INVALID_LIFECYCLE, "holds a time out of range: " + e.getMessage()));
            return Lifecycle.immediate();
        }
    }

    private static TargetOverride target(WriteToLogRequest r, String prefix, List<Violation> out) {
        return r.hasTarget() ? target(r.getTarget(), prefix, out) : null;
    }

    private static TargetOverride target(Target t, String prefix, List<Violation> out) {
        TargetOp op = switch (t.getOp()) {
            case OP_UNSPECIFIED, PUT -> TargetOp.PUT;
            case DELETE -> TargetOp.DELETE;
            case UNRECOGNIZED -> {
                out.add(new Violation(
                        prefix + "target.op",
                        ErrorCode.INVALID_TARGET,
                        "op " + t.getOpValue() + " is not PUT (1) or DELETE (2)"));
                yield TargetOp.PUT;
            }
        };
        return new TargetOverride(emptyToNull(t.getKey()), op, t.getOptionsMap());
    }

    private static Duration duration(com.google.protobuf.Duration d) {
        return Duration.ofSeconds(d.getSeconds(), d.getNanos());
    }

    private static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }
}
