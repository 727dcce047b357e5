package io.walgate.benchmarks;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.walgate.api.v1.Durable;
import io.walgate.api.v1.WriteAheadLogGrpc;
import io.walgate.api.v1.WriteAheadLogGrpc.WriteAheadLogBlockingStub;
import io.walgate.api.v1.WriteBatchRequest;
import io.walgate.api.v1.WriteBatchResponse;
import io.walgate.api.v1.WriteToLogRequest;
import io.walgate.benchmarks.Measurement.Result;
import java.net.URI;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * W2: gRPC {@code WriteBatch} calls of {@code bench.batch} (100) entries of 1 KiB from {@code
 * bench.grpc-clients} (16) callers, against the raw producer's async maximum. Goal: ratio ≥ 0.60.
 */
final class W2GrpcBatches {
    private static final int BATCH = Integer.getInteger("bench.batch", 100);
    private static final int GRPC_CLIENTS = Integer.getInteger("bench.grpc-clients", 16);
    private static final int ASYNC_IN_FLIGHT = 20_000;

    private W2GrpcBatches() {}

    static void run(BenchStack stack, byte[] payload, RssSampler rss) throws Exception {
        System.out.println("W2 baseline: raw producer, async sends as fast as acks=all allows …");
        Result raw = rawProducerAsync(stack.devstack().kafka().bootstrapServers(), payload);
        System.out.println("  " + raw);
        System.out.println(
                "W2 gateway: gRPC WriteBatch of " + BATCH + " entries, " + GRPC_CLIENTS + " concurrent calls …");
        Result grpc = grpcBatches(stack, payload);
        System.out.println("  " + grpc);
        double ratio = grpc.perSecond() / raw.perSecond();
        System.out.printf(
                "  ratio %.2f of the raw producer (goal >= 0.60); gateway peak RSS %d MB%n",
                ratio, rss.peakMegabytes());
        Report.record("W2", table(raw, grpc, ratio, rss.peakMegabytes()));
    }

    /**
     * The raw producer's async maximum: sends without waiting, up to {@value #ASYNC_IN_FLIGHT} in
     * flight, counting acknowledged records; latency is send-to-ack of each record.
     */
    private static Result rawProducerAsync(String bootstrap, byte[] payload) throws InterruptedException {
        Map<String, Object> config =
                Map.of("bootstrap.servers", bootstrap, "acks", "all", "enable.idempotence", true, "linger.ms", 5);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            Semaphore window = new Semaphore(ASYNC_IN_FLIGHT);
            long start = System.nanoTime();
            long measureFrom = start + Measurement.WARMUP.toNanos();
            long end = measureFrom + Measurement.RUN.toNanos();
            AtomicLong acked = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            long[] latencies = new long[1 << 22];
            AtomicInteger recorded = new AtomicInteger();
            Random keys = new Random();
            long now;
            while ((now = System.nanoTime()) < end) {
                window.acquire();
                long sent = now;
                byte[] key = Long.toString(keys.nextInt(10_000)).getBytes();
                producer.send(new ProducerRecord<>("wal.bench", key, payload), (meta, error) -> {
                    window.release();
                    long done = System.nanoTime();
                    if (sent < measureFrom || done > end) {
                        return;
                    }
                    if (error != null) {
                        failed.incrementAndGet();
                    } else {
                        acked.incrementAndGet();
                        int i = recorded.getAndIncrement();
                        if (i < latencies.length) {
                            latencies[i] = (done - sent) / 1000;
                        }
                    }
                });
            }
            producer.flush();
            long[] all = Arrays.copyOf(latencies, Math.min(latencies.length, recorded.get()));
            Arrays.sort(all);
            return new Result(
                    acked.get(),
                    failed.get(),
                    Measurement.RUN.toNanos() / 1e9,
                    Measurement.percentile(all, 0.50),
                    Measurement.percentile(all, 0.99));
        }
    }

    /** WriteBatch calls of {@value #BATCH} entries from {@value #GRPC_CLIENTS} callers; counts durable entries. */
    private static Result grpcBatches(BenchStack stack, byte[] payload) throws InterruptedException {
        URI endpoint = URI.create(stack.gateway().endpoint());
        ManagedChannel channel = ManagedChannelBuilder.forAddress(endpoint.getHost(), endpoint.getPort())
                .usePlaintext()
                .build();
        try {
            WriteAheadLogBlockingStub stub = WriteAheadLogGrpc.newBlockingStub(channel);
            ByteString bytes = ByteString.copyFrom(payload);
            Random keys = new Random();
            return Measurement.measure(GRPC_CLIENTS, BATCH, () -> {
                WriteBatchRequest.Builder batch = WriteBatchRequest.newBuilder().setNamespace(WriteSetup.NAMESPACE);
                for (int i = 0; i < BATCH; i++) {
                    batch.addEntries(WriteToLogRequest.newBuilder()
                            .setPayload(bytes)
                            .setPartitionKey("k" + keys.nextInt(10_000)));
                }
                WriteBatchResponse response =
                        stub.withDeadlineAfter(30, TimeUnit.SECONDS).writeBatch(batch.build());
                return response.getResultsList().stream().allMatch(r -> r.getDurable() == Durable.TRUE);
            });
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static String table(Result raw, Result grpc, double ratio, long rssMegabytes) {
        return String.format(
                "## W2 — gRPC batched writes, 1 KiB (%s, %d s after %d s warm-up)%n%n"
                        + "| | records/s | p50 | p99 | errors |%n|---|---|---|---|---|%n"
                        + "| raw producer, async `acks=all` sends, up to %d in flight (latency: send to ack) | %.0f | %.2f ms | %.2f ms | %d |%n"
                        + "| gateway gRPC `WriteBatch` of %d, %d concurrent calls (latency: per call) | %.0f | %.2f ms | %.2f ms | %d |%n%n"
                        + "Ratio **%.2f** (goal ≥ 0.60). Gateway peak resident memory over the whole run **%d MB**.%n",
                LocalDate.now(),
                Measurement.RUN.toSeconds(),
                Measurement.WARMUP.toSeconds(),
                ASYNC_IN_FLIGHT,
                raw.perSecond(),
                raw.p50Micros() / 1000.0,
                raw.p99Micros() / 1000.0,
                raw.errors(),
                BATCH,
                GRPC_CLIENTS,
                grpc.perSecond(),
                grpc.p50Micros() / 1000.0,
                grpc.p99Micros() / 1000.0,
                grpc.errors(),
                ratio,
                rssMegabytes);
    }
}
