package io.walgate.e2e;

import io.walgate.devstack.Component;
import io.walgate.devstack.Devstack;
import io.walgate.devstack.JavaService;
import io.walgate.devstack.Ports;
import io.walgate.devstack.WalgateServices;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * W1 and W2 of the design brief, each against a baseline on the same broker in the same run. W1:
 * single-entry REST writes of 1 KiB from 64 concurrent clients against a KafkaProducer doing one
 * synchronous {@code acks=all} send per request from 64 threads sharing it. W2: gRPC {@code
 * WriteBatch} calls against the raw producer's async maximum. Everything runs in this process, one
 * after the other, on a devstack of its own; everything stays on loopback and every loop ends by
 * time.
 *
 * <p>Run: {@code ./mvnw -B -q install -DskipTests -pl e2e -am && ./mvnw -B -q -pl e2e exec:java}
 * (system properties {@code bench.only=W1|W2}, {@code bench.seconds}, {@code bench.threads},
 * {@code bench.batch}, {@code bench.grpc-clients}). Results go to stdout and to
 * {@code docs/benchmarks.md}.
 */
public final class WriteBenchmark {
    private static final int THREADS = Integer.getInteger("bench.threads", 64);
    private static final Duration WARMUP = Duration.ofSeconds(Integer.getInteger("bench.warmup", 30));
    private static final Duration RUN = Duration.ofSeconds(Integer.getInteger("bench.seconds", 20));
    private static final int PAYLOAD_BYTES = 1024;
    private static final int BATCH = Integer.getInteger("bench.batch", 100);
    private static final int GRPC_CLIENTS = Integer.getInteger("bench.grpc-clients", 16);
    private static final int ASYNC_IN_FLIGHT = 20_000;

    private WriteBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path root = projectRoot();
        Devstack devstack = Devstack.builder(root.resolve("e2e/target/bench"))
                .with(Component.KAFKA, Component.POSTGRES, Component.SQS)
                .randomPorts()
                .fresh()
                .build();
        try {
            devstack.start();
            JavaService controller = startController(devstack, root);
            JavaService gateway = startGateway(devstack, root, controller);
            createNamespace(controller);
            awaitWritable(gateway);

            byte[] payload = new byte[PAYLOAD_BYTES];
            new Random(42).nextBytes(payload);
            String only = System.getProperty("bench.only", "W1,W2");
            long[] peakRss = {0};
            Thread sampler = sampleRss(gateway, peakRss);

            if (only.contains("W1")) {
                System.out.println("W1 baseline: raw producer, " + THREADS + " threads, one sync acks=all send each …");
                Result raw = rawProducer(devstack.kafka().bootstrapServers(), payload);
                System.out.println("  " + raw);
                System.out.println("W1 gateway: REST, " + THREADS + " concurrent clients, 1 KiB entries …");
                Result rest = rest(gateway, payload);
                System.out.println("  " + rest);
                double ratio = rest.perSecond() / raw.perSecond();
                System.out.printf(
                        "  ratio %.2f of the raw producer (goal >= 0.40); gateway peak RSS %d MB (goal <= 300)%n",
                        ratio, peakRss[0] / (1024 * 1024));
                record(root, "W1", w1(raw, rest, ratio, peakRss[0]));
            }
            if (only.contains("W2")) {
                System.out.println("W2 baseline: raw producer, async sends as fast as acks=all allows …");
                Result raw = rawProducerAsync(devstack.kafka().bootstrapServers(), payload);
                System.out.println("  " + raw);
                System.out.println("W2 gateway: gRPC WriteBatch of " + BATCH + " entries, " + GRPC_CLIENTS
                        + " concurrent calls …");
                Result grpc = grpcBatches(gateway, payload);
                System.out.println("  " + grpc);
                double ratio = grpc.perSecond() / raw.perSecond();
                System.out.printf(
                        "  ratio %.2f of the raw producer (goal >= 0.60); gateway peak RSS %d MB%n",
                        ratio, peakRss[0] / (1024 * 1024));
                record(root, "W2", w2(raw, grpc, ratio, peakRss[0]));
            }
            sampler.interrupt();
        } finally {
            devstack.close();
        }
        System.exit(0);
    }

    /** The checkout's top folder (the one with the walgate launcher), wherever Maven was started. */
    static Path projectRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("walgate")) && Files.isDirectory(p.resolve("e2e"))) {
                return p;
            }
        }
        throw new IllegalStateException("run the benchmark from inside the Walgate checkout");
    }

    record Result(long count, long errors, double seconds, long p50Micros, long p99Micros) {
        double perSecond() {
            return count / seconds;
        }

        @Override
        public String toString() {
            return String.format(
                    "%.0f writes/s, p50 %.2f ms, p99 %.2f ms, %d errors",
                    perSecond(), p50Micros / 1000.0, p99Micros / 1000.0, errors);
        }
    }

    /** One timed call of a client loop; returns whether it succeeded. */
    interface Call {
        boolean run() throws Exception;
    }

    /**
     * Runs {@code threads} loops of {@code call} for the warm-up and the run; a call that succeeds
     * counts {@code entriesPerCall} entries, and its latency is the call's.
     */
    static Result measure(int threads, int entriesPerCall, Call call) throws InterruptedException {
        long start = System.nanoTime();
        long measureFrom = start + WARMUP.toNanos();
        long end = measureFrom + RUN.toNanos();
        List<long[]> latencies = new ArrayList<>();
        long[] counts = new long[threads];
        long[] errors = new long[threads];
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            int me = t;
            long[] mine = new long[1 << 16];
            latencies.add(mine);
            Thread thread = new Thread(
                    () -> {
                        try {
                            while (true) {
                                long before = System.nanoTime();
                                if (before >= end) {
                                    return;
                                }
                                boolean ok;
                                try {
                                    ok = call.run();
                                } catch (Exception e) {
                                    ok = false;
                                }
                                long after = System.nanoTime();
                                if (before >= measureFrom) {
                                    if (ok && counts[me] < mine.length) {
                                        mine[(int) counts[me]++] = (after - before) / 1000;
                                    } else if (!ok) {
                                        errors[me]++;
                                    }
                                }
                            }
                        } finally {
                            done.countDown();
                        }
                    },
                    "bench-" + t);
            thread.setDaemon(true);
            thread.start();
        }
        done.await(RUN.plus(WARMUP).toSeconds() + 120, TimeUnit.SECONDS);
        long total = Arrays.stream(counts).sum();
        long[] all = new long[(int) total];
        int at = 0;
        for (int t = 0; t < threads; t++) {
            System.arraycopy(latencies.get(t), 0, all, at, (int) counts[t]);
            at += (int) counts[t];
        }
        Arrays.sort(all);
        return new Result(
                total * entriesPerCall,
                Arrays.stream(errors).sum() * entriesPerCall,
                RUN.toNanos() / 1e9,
                percentile(all, 0.50),
                percentile(all, 0.99));
    }

    static long percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))];
    }

    private static Result rawProducer(String bootstrap, byte[] payload) throws InterruptedException {
        Map<String, Object> config =
                Map.of("bootstrap.servers", bootstrap, "acks", "all", "enable.idempotence", true, "linger.ms", 1);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            Random keys = new Random();
            return measure(THREADS, 1, () -> {
                byte[] key = Long.toString(keys.nextInt(10_000)).getBytes();
                producer.send(new ProducerRecord<>("wal.bench", key, payload)).get();
                return true;
            });
        }
    }

    private static Thread sampleRss(JavaService gateway, long[] peakRss) {
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peakRss[0] = Math.max(peakRss[0], gateway.residentBytes());
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        return sampler;
    }

    /**
     * Blocking HttpURLConnection calls, one kept-alive connection per client thread: the cheapest
     * client the JDK has, so that the load generator's own CPU does not count against the gateway
     * on a shared 2-core machine (java.net.http's client costs several times more per request).
     */
    private static Result rest(JavaService gateway, byte[] payload) throws Exception {
        System.setProperty("http.maxConnections", String.valueOf(THREADS * 2));
        String b64 = Base64.getEncoder().encodeToString(payload);
        java.net.URL url =
                URI.create(gateway.endpoint() + "/v1/namespaces/bench/entries").toURL();
        Random keys = new Random();
        return measure(THREADS, 1, () -> {
            byte[] body = ("{\"payload\":\"" + b64 + "\",\"partitionKey\":\"k" + keys.nextInt(10_000) + "\"}")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            java.net.HttpURLConnection c = (java.net.HttpURLConnection) url.openConnection();
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", "application/json");
            c.setFixedLengthStreamingMode(body.length);
            try (var out = c.getOutputStream()) {
                out.write(body);
            }
            int status = c.getResponseCode();
            try (var in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                in.readAllBytes(); // drained, so the connection is reused
            }
            return status == 201;
        });
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
            java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(ASYNC_IN_FLIGHT);
            long start = System.nanoTime();
            long measureFrom = start + WARMUP.toNanos();
            long end = measureFrom + RUN.toNanos();
            java.util.concurrent.atomic.AtomicLong acked = new java.util.concurrent.atomic.AtomicLong();
            java.util.concurrent.atomic.AtomicLong failed = new java.util.concurrent.atomic.AtomicLong();
            long[] latencies = new long[1 << 22];
            java.util.concurrent.atomic.AtomicInteger recorded = new java.util.concurrent.atomic.AtomicInteger();
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
                    acked.get(), failed.get(), RUN.toNanos() / 1e9, percentile(all, 0.50), percentile(all, 0.99));
        }
    }

    /** WriteBatch calls of {@value #BATCH} entries from {@value #GRPC_CLIENTS} callers; counts durable entries. */
    private static Result grpcBatches(JavaService gateway, byte[] payload) throws InterruptedException {
        URI endpoint = URI.create(gateway.endpoint());
        io.grpc.ManagedChannel channel = io.grpc.ManagedChannelBuilder.forAddress(
                        endpoint.getHost(), endpoint.getPort())
                .usePlaintext()
                .build();
        try {
            var stub = io.walgate.api.v1.WriteAheadLogGrpc.newBlockingStub(channel);
            com.google.protobuf.ByteString bytes = com.google.protobuf.ByteString.copyFrom(payload);
            Random keys = new Random();
            return measure(GRPC_CLIENTS, BATCH, () -> {
                var batch = io.walgate.api.v1.WriteBatchRequest.newBuilder().setNamespace("bench");
                for (int i = 0; i < BATCH; i++) {
                    batch.addEntries(io.walgate.api.v1.WriteToLogRequest.newBuilder()
                            .setPayload(bytes)
                            .setPartitionKey("k" + keys.nextInt(10_000)));
                }
                var response = stub.withDeadlineAfter(30, TimeUnit.SECONDS).writeBatch(batch.build());
                return response.getResultsList().stream()
                        .allMatch(r -> r.getDurable() == io.walgate.api.v1.Durable.TRUE);
            });
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    static JavaService startController(Devstack devstack, Path root) {
        Map<String, String> s = WalgateServices.controllerSettings(devstack, WalgateServices.CONTROLLER_DATABASE);
        s.put("walgate.auth.enabled", "false");
        return WalgateServices.startController(
                devstack, root.resolve("namespace-controller/target/quarkus-app/quarkus-run.jar"), Ports.free(), s);
    }

    static JavaService startGateway(Devstack devstack, Path root, JavaService controller) {
        Map<String, String> s = WalgateServices.gatewaySettings(devstack, controller.endpoint());
        s.put("walgate.auth.enabled", "false");
        s.put("quarkus.log.level", "WARN");
        return WalgateServices.startGateway(
                devstack, root.resolve("wal-api/gateway/target/quarkus-app/quarkus-run.jar"), Ports.free(), s);
    }

    private static void createNamespace(JavaService controller) throws IOException, InterruptedException {
        String spec = "{\"name\":\"bench\",\"owner\":\"bench\",\"backend\":{\"type\":\"kafka\",\"partitions\":12},"
                + "\"target\":{\"type\":\"http\",\"regions\":{\"local\":{\"url\":\"http://127.0.0.1:9\"}}},"
                + "\"limits\":{\"maxPayloadBytes\":16384,\"writesPerSecond\":1000000}}";
        HttpClient http = HttpClient.newHttpClient();
        http.send(
                HttpRequest.newBuilder(URI.create(controller.endpoint() + "/v1/namespaces"))
                        .POST(HttpRequest.BodyPublishers.ofString(spec))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String body = http.send(
                            HttpRequest.newBuilder(URI.create(controller.endpoint() + "/v1/namespaces/bench"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            if (body.contains("\"phase\":\"READY\"")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the bench namespace did not become READY");
    }

    private static void awaitWritable(JavaService gateway) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            int status = http.send(
                            HttpRequest.newBuilder(URI.create(gateway.endpoint() + "/v1/namespaces/bench/entries"))
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"payload\":\"aGk=\"}"))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
            if (status == 201) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the gateway did not accept writes to the bench namespace");
    }

    private static String w1(Result raw, Result rest, double ratio, long rss) {
        return String.format(
                "## W1 — REST single-entry writes, 1 KiB, %d clients (%s, %d s after %d s warm-up)%n%n"
                        + "| | writes/s | p50 | p99 | errors |%n|---|---|---|---|---|%n"
                        + "| raw producer, one sync `acks=all` send per request, %d threads | %.0f | %.2f ms | %.2f ms | %d |%n"
                        + "| gateway REST (`durable` TRUE) | %.0f | %.2f ms | %.2f ms | %d |%n%n"
                        + "Ratio **%.2f** (goal ≥ 0.40). Gateway peak resident memory **%d MB** (M1 goal ≤ 300 MB).%n",
                THREADS,
                LocalDate.now(),
                RUN.toSeconds(),
                WARMUP.toSeconds(),
                THREADS,
                raw.perSecond(),
                raw.p50Micros() / 1000.0,
                raw.p99Micros() / 1000.0,
                raw.errors(),
                rest.perSecond(),
                rest.p50Micros() / 1000.0,
                rest.p99Micros() / 1000.0,
                rest.errors(),
                ratio,
                rss / (1024 * 1024));
    }

    private static String w2(Result raw, Result grpc, double ratio, long rss) {
        return String.format(
                "## W2 — gRPC batched writes, 1 KiB (%s, %d s after %d s warm-up)%n%n"
                        + "| | records/s | p50 | p99 | errors |%n|---|---|---|---|---|%n"
                        + "| raw producer, async `acks=all` sends, up to %d in flight (latency: send to ack) | %.0f | %.2f ms | %.2f ms | %d |%n"
                        + "| gateway gRPC `WriteBatch` of %d, %d concurrent calls (latency: per call) | %.0f | %.2f ms | %.2f ms | %d |%n%n"
                        + "Ratio **%.2f** (goal ≥ 0.60). Gateway peak resident memory over the whole run **%d MB**.%n",
                LocalDate.now(),
                RUN.toSeconds(),
                WARMUP.toSeconds(),
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
                rss / (1024 * 1024));
    }

    /** Replaces the section between this benchmark's markers in docs/benchmarks.md. */
    static void record(Path root, String id, String section) throws IOException {
        Path file = root.resolve("docs/benchmarks.md");
        String text = Files.exists(file) ? Files.readString(file) : "";
        String marker = "<!-- " + id + " -->";
        int at = text.indexOf(marker);
        int endAt = at < 0 ? -1 : text.indexOf(marker, at + marker.length());
        String block = marker + "\n" + section + marker;
        text = at >= 0 && endAt > at
                ? text.substring(0, at) + block + text.substring(endAt + marker.length())
                : text + "\n" + block + "\n";
        Files.writeString(file, text);
        System.out.println("Recorded " + id + " in " + file);
    }
}
