package io.walgate.benchmarks;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.walgate.api.v1.Durable;
import io.walgate.api.v1.MutateItemsRequest;
import io.walgate.api.v1.MutationItem;
import io.walgate.api.v1.Target;
import io.walgate.api.v1.WriteAheadLogGrpc;
import io.walgate.api.v1.WriteAheadLogGrpc.WriteAheadLogBlockingStub;
import io.walgate.api.v1.WriteToLogRequest;
import io.walgate.benchmarks.Measurement.Result;
import java.net.URI;
import java.time.LocalDate;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A1: items per second of gRPC {@code MutateItems} calls of {@code bench.mutation-items} (100) items
 * of 1 KiB, against the same items as single {@code WriteToLog} calls, from {@code
 * bench.grpc-clients} (16) callers each, in the same run. The write side only: the items stored and
 * the marker logged (what {@code durable: TRUE} waits for), not their apply.
 */
final class A1Mutations {
    private static final int ITEMS = Integer.getInteger("bench.mutation-items", 100);
    private static final int CLIENTS = Integer.getInteger("bench.grpc-clients", 16);

    private A1Mutations() {}

    static void run(BenchStack stack, byte[] payload) throws Exception {
        URI endpoint = URI.create(stack.gateway().endpoint());
        ManagedChannel channel = ManagedChannelBuilder.forAddress(endpoint.getHost(), endpoint.getPort())
                .usePlaintext()
                .build();
        try {
            WriteAheadLogBlockingStub stub = WriteAheadLogGrpc.newBlockingStub(channel);
            ByteString bytes = ByteString.copyFrom(payload);
            Random keys = new Random();
            System.out.println("A1 baseline: single WriteToLog calls, " + CLIENTS + " concurrent …");
            Result singles = Measurement.measure(
                    CLIENTS,
                    1,
                    () -> stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                                    .writeToLog(WriteToLogRequest.newBuilder()
                                            .setNamespace(WriteSetup.NAMESPACE)
                                            .setPayload(bytes)
                                            .setPartitionKey("k" + keys.nextInt(10_000))
                                            .build())
                                    .getDurable()
                            == Durable.TRUE);
            System.out.println("  " + singles);
            System.out.println("A1 mutations: MutateItems of " + ITEMS + " items, " + CLIENTS + " concurrent …");
            Result mutations = Measurement.measure(CLIENTS, ITEMS, () -> {
                MutateItemsRequest.Builder m = MutateItemsRequest.newBuilder().setNamespace(WriteSetup.NAMESPACE);
                for (int i = 0; i < ITEMS; i++) {
                    m.addItems(MutationItem.newBuilder()
                            .setPayload(bytes)
                            .setTarget(Target.newBuilder().setKey("k" + keys.nextInt(10_000))));
                }
                return stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                                .mutateItems(m.build())
                                .getDurable()
                        == Durable.TRUE;
            });
            System.out.println("  " + mutations);
            double ratio = mutations.perSecond() / singles.perSecond();
            System.out.printf("  ratio %.2f of single writes' items/s%n", ratio);
            Report.record("A1", table(singles, mutations, ratio));
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static String table(Result singles, Result mutations, double ratio) {
        return String.format(
                "## A1 — MutateItems of %d items vs %d single writes, 1 KiB, gRPC (%s, %d s after %d s warm-up)%n%n"
                        + "| | items/s | p50 per call | p99 per call | errors |%n|---|---|---|---|---|%n"
                        + "| single `WriteToLog` calls, %d concurrent | %.0f | %.2f ms | %.2f ms | %d |%n"
                        + "| `MutateItems` of %d items, %d concurrent (items stored in PostgreSQL, one marker logged) | %.0f | %.2f ms | %.2f ms | %d |%n%n"
                        + "Ratio **%.2f** (items/s of mutations over items/s of single writes, same run).%n",
                ITEMS,
                ITEMS,
                LocalDate.now(),
                Measurement.RUN.toSeconds(),
                Measurement.WARMUP.toSeconds(),
                CLIENTS,
                singles.perSecond(),
                singles.p50Micros() / 1000.0,
                singles.p99Micros() / 1000.0,
                singles.errors(),
                ITEMS,
                CLIENTS,
                mutations.perSecond(),
                mutations.p50Micros() / 1000.0,
                mutations.p99Micros() / 1000.0,
                mutations.errors(),
                ratio);
    }
}
