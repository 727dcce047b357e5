package io.walgate.gateway.grpc;

import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.walgate.api.v1.Durable;
import io.walgate.api.v1.GetMutationStatusRequest;
import io.walgate.api.v1.MutateItemsRequest;
import io.walgate.api.v1.MutateItemsResponse;
import io.walgate.api.v1.MutationStatus;
import io.walgate.api.v1.WriteAheadLogGrpc;
import io.walgate.api.v1.WriteBatchRequest;
import io.walgate.api.v1.WriteBatchResponse;
import io.walgate.api.v1.WriteToLogRequest;
import io.walgate.api.v1.WriteToLogResponse;
import io.walgate.contract.WalException;
import io.walgate.gateway.api.CallerResolver;
import io.walgate.gateway.api.Writer;
import io.walgate.gateway.core.WriteFailure;
import io.walgate.gateway.core.Written;

/**
 * gRPC writes, on the same port as REST (the Vert.x gRPC server). Methods run on the event loop
 * and never block: {@link Writer} starts each append (and each mutation's store) on a worker.
 */
@GrpcService
public class WriteAheadLogService extends WriteAheadLogGrpc.WriteAheadLogImplBase {
    private final Writer writer;
    private final CallerResolver callers;

    WriteAheadLogService(Writer writer, CallerResolver callers) {
        this.writer = writer;
        this.callers = callers;
    }

    /** TRUE answers the response; anything else answers a status from {@link GrpcErrors}. */
    @Override
    public void writeToLog(WriteToLogRequest request, StreamObserver<WriteToLogResponse> out) {
        String traceparent = TraceContext.current();
        callers.current()
                .thenCompose(caller -> writer.write(GrpcRequests.toRequest(request, "", ""), caller, traceparent))
                .whenComplete((written, error) -> {
                    if (error == null) {
                        out.onNext(ok(written));
                        out.onCompleted();
                    } else {
                        out.onError(GrpcErrors.of(Writer.asWalException(error), request.getNamespace()));
                    }
                });
    }

    /**
     * One result per entry, in order; a whole-call status only when the call itself is refused
     * (no caller, an empty or oversize batch).
     */
    @Override
    public void writeBatch(WriteBatchRequest request, StreamObserver<WriteBatchResponse> out) {
        String traceparent = TraceContext.current();
        String namespace = request.getNamespace();
        callers.current()
                .thenCompose(caller -> writer.batch(
                        namespace,
                        request.getEntriesCount(),
                        i -> GrpcRequests.toRequest(request.getEntries(i), namespace, "entries[" + i + "]"),
                        caller,
                        traceparent))
                .whenComplete((results, error) -> {
                    if (error != null) {
                        out.onError(GrpcErrors.of(Writer.asWalException(error), namespace));
                        return;
                    }
                    WriteBatchResponse.Builder response = WriteBatchResponse.newBuilder();
                    for (int i = 0; i < results.size(); i++) {
                        Writer.Result r = results.get(i);
                        String ns = request.getEntries(i).getNamespace().isEmpty()
                                ? namespace
                                : request.getEntries(i).getNamespace();
                        response.addResults(r.written() != null ? ok(r.written()) : failed(ns, r.failure()));
                    }
                    out.onNext(response.build());
                    out.onCompleted();
                });
    }

    /** TRUE answers the response; anything else answers a status from {@link GrpcErrors}. */
    @Override
    public void mutateItems(MutateItemsRequest request, StreamObserver<MutateItemsResponse> out) {
        String traceparent = TraceContext.current();
        callers.current()
                .thenCompose(caller -> writer.mutate(GrpcRequests.toRequest(request), caller, traceparent))
                .whenComplete((mutated, error) -> {
                    if (error == null) {
                        out.onNext(MutateItemsResponse.newBuilder()
                                .setDurable(Durable.TRUE)
                                .setMutationId(mutated.mutationId().toString())
                                .setNamespace(mutated.namespace())
                                .setItemCount(mutated.itemCount())
                                .setRepeat(mutated.repeat())
                                .build());
                        out.onCompleted();
                    } else {
                        out.onError(GrpcErrors.of(Writer.asWalException(error), request.getNamespace()));
                    }
                });
    }

    /** The mutation's progress; NOT_FOUND with {@code MUTATION_NOT_FOUND} when it is not kept. */
    @Override
    public void getMutationStatus(GetMutationStatusRequest request, StreamObserver<MutationStatus> out) {
        callers.current()
                .thenCompose(caller -> writer.progress(request.getNamespace(), request.getMutationId(), caller))
                .whenComplete((progress, error) -> {
                    if (error == null) {
                        out.onNext(GrpcMutations.status(progress));
                        out.onCompleted();
                    } else {
                        out.onError(GrpcErrors.of(Writer.asWalException(error), request.getNamespace()));
                    }
                });
    }

    private static WriteToLogResponse ok(Written w) {
        return WriteToLogResponse.newBuilder()
                .setDurable(Durable.TRUE)
                .setEntryId(w.entryId().toString())
                .setNamespace(w.namespace())
                .setRepeat(w.repeat())
                .build();
    }

    private static WriteToLogResponse failed(String namespace, WalException e) {
        WriteToLogResponse.Builder r = WriteToLogResponse.newBuilder()
                .setDurable(Durable.valueOf(e.durability().name()))
                .setNamespace(namespace)
                .setErrorCode(e.code().name())
                .setMessage(e.getMessage());
        if (e instanceof WriteFailure f && f.entryId() != null) {
            r.setEntryId(f.entryId().toString());
        }
        return r.build();
    }
}
