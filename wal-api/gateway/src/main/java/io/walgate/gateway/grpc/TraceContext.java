package io.walgate.gateway.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

/** Carries the W3C {@code traceparent} of a gRPC call to the service method, for the envelope. */
@GlobalInterceptor
@ApplicationScoped
public class TraceContext implements ServerInterceptor {
    private static final Metadata.Key<String> TRACEPARENT =
            Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<String> CURRENT = Context.key("walgate-traceparent");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String traceparent = headers.get(TRACEPARENT);
        if (traceparent == null) {
            return next.startCall(call, headers);
        }
        return Contexts.interceptCall(Context.current().withValue(CURRENT, traceparent), call, headers, next);
    }

    /** The calling request's traceparent, or null; read it on the thread that runs the method. */
    static String current() {
        return CURRENT.get();
    }
}
