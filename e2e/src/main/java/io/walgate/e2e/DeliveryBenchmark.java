package io.walgate.e2e;

import com.sun.net.httpserver.HttpServer;
import io.walgate.adapter.kafka.KafkaAdapters;
import io.walgate.adapter.spi.LogAppender;
import io.walgate.contract.EntryId;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.Lifecycle;
import io.walgate.contract.entry.TargetOp;
import io.walgate.contract.entry.TargetOverride;
import io.walgate.contract.entry.WriteRequest;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.devstack.Component;
import io.walgate.devstack.Devstack;
import io.walgate.devstack.JavaService;
import io.walgate.devstack.Ports;
import io.walgate.devstack.WalgateServices;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * C1, E1 and D1 of the design brief, through the packaged controller, gateway and worker.
 *
 * <ul>
 *   <li>C1: apply throughput to PostgreSQL (entries already on the log, worker resumed) against a
 *       plain batched JDBC insert of the same rows into the same server.
 *   <li>E1: write → applied latency, no delay, at half of the gateway's peak single-write rate
 *       measured in the same run; "applied" is when the HTTP target (in this process) receives it.
 *   <li>D1: lateness of delayed entries (received − (sent + delay)) on Kafka and on SQS.
 * </ul>
 *
 * <p>Run: {@code ./mvnw -B -q install -DskipTests -pl e2e -am && ./mvnw -B -q -pl e2e exec:java
 * -Dbench.main=io.walgate.e2e.DeliveryBenchmark} ({@code bench.only=C1,E1,D1}, {@code
 * bench.c1-rows}, {@code bench.e1-seconds}, {@code bench.warmup}, {@code bench.seconds}).
 */
public final class DeliveryBenchmark {
    private static final int C1_ROWS = Integer.getInteger("bench.c1-rows", 20_000);
    private static final int E1_SECONDS = Integer.getInteger("bench.e1-seconds", 20);
    private static final int D1_ENTRIES = Integer.getInteger("bench.d1-entries", 300);
    private static final Duration D1_DELAY = Duration.ofSeconds(5);

    private DeliveryBenchmark() {}

    public static void main(String[] args) throws Exception {
        // Keep-alive for every client thread (the JDK keeps 5 idle connections by default; the rest
        // would connect anew for each write and measure TCP set-up instead of Walgate).
        System.setProperty("http.maxConnections", "64");
        Path root = WriteBenchmark.projectRoot();
        Devstack devstack = Devstack.builder(root.resolve("e2e/target/bench-delivery"))
                .with(Component.KAFKA, Component.POSTGRES, Component.SQS)
                .randomPorts()
                .fresh()
                .build();
        Upstream upstream = new Upstream();
        try {
            devstack.start();
            JavaService controller = WriteBenchmark.startController(devstack, root);
            JavaService gateway = WriteBenchmark.startGateway(devstack, root, controller);
            Map<String, String> w = WalgateServices.workerSettings(devstack, controller.endpoint());
            w.put("walgate.auth.enabled", "false");
            w.put("quarkus.log.level", "WARN");
            w.put("walgate.worker.sqs.wait-seconds", "20");
            WalgateServices.startWorker(
                    devstack, root.resolve("consumers/worker/target/quarkus-app/quarkus-run.jar"), Ports.free(), w);
            String only = System.getProperty("bench.only", "C1,E1,D1");
            if (only.contains("C1")) {
                c1(root, devstack, controller);
            }
            if (only.contains("E1")) {
                e1(root, controller, gateway, upstream);
            }
            if (only.contains("D1")) {
                d1(root, controller, gateway, upstream);
            }
        } finally {
            upstream.close();
            devstack.close();
        }
        System.exit(0);
    }

    // --- C1 -----------------------------------------------------------------------------------

    private static void c1(Path root, Devstack devstack, JavaService controller) throws Exception {
        byte[] payload = new byte[1024];
        new Random(7).nextBytes(payload);

        System.out.println("C1 baseline: batched JDBC insert of " + C1_ROWS + " rows of 1 KiB …");
        devstack.postgres().createDatabase("c1_jdbc");
        double jdbc;
        try (Connection db = devstack.postgres().connect("c1_jdbc")) {
            db.createStatement()
                    .execute("CREATE TABLE rows (key text PRIMARY KEY, payload bytea, content_type text,"
                            + " entry_id uuid NOT NULL, updated_at timestamptz NOT NULL)");
            db.setAutoCommit(false);
            long start = System.nanoTime();
            try (PreparedStatement insert = db.prepareStatement("INSERT INTO rows VALUES (?, ?, ?, ?, now())")) {
                for (int i = 0; i < C1_ROWS; i++) {
                    insert.setString(1, "row-" + i);
                    insert.setBytes(2, payload);
                    insert.setString(3, "application/octet-stream");
                    insert.setObject(4, UUID.randomUUID());
                    insert.addBatch();
                    if ((i + 1) % 500 == 0) {
                        insert.executeBatch();
                        db.commit();
                    }
                }
                insert.executeBatch();
                db.commit();
            }
            jdbc = C1_ROWS / seconds(start);
        }
        System.out.printf("  %.0f rows/s%n", jdbc);

        System.out.println("C1 Walgate: " + C1_ROWS + " entries on the log, applied by the worker …");
        devstack.postgres().createDatabase("c1_target");
        String url = "postgresql://127.0.0.1:" + devstack.postgres().port() + "/c1_target?user=postgres";
        createNamespace(
                controller,
                "c1",
                "{\"name\":\"c1\",\"owner\":\"bench\",\"state\":\"PAUSED\",\"backend\":{\"type\":\"kafka\","
                        + "\"partitions\":12},\"target\":{\"type\":\"postgres\",\"regions\":{\"local\":{\"url\":\""
                        + url + "\"}}}}");
        NamespaceSpec spec = new NamespaceSpec(
                        "c1",
                        null,
                        "bench",
                        null,
                        new io.walgate.contract.namespace.BackendSpec(
                                io.walgate.contract.namespace.BackendType.KAFKA, null, 12),
                        null,
                        null,
                        null,
                        null,
                        null)
                .withDefaults();
        // Straight onto the log, as the gateway would put them, so that only the apply is measured.
        try (LogAppender appender = KafkaAdapters.appender(
                Map.of("bootstrap.servers", devstack.kafka().bootstrapServers()))) {
            EntryId.Generator ids = new EntryId.Generator();
            List<Envelope> pending = new ArrayList<>();
            for (int i = 0; i < C1_ROWS; i++) {
                Instant now = Instant.now();
                WriteRequest request = new WriteRequest(
                        "c1",
                        Lifecycle.immediate(),
                        payload,
                        new TargetOverride("row-" + i, TargetOp.PUT, Map.of()),
                        "row-" + i,
                        null,
                        Map.of(),
                        null);
                pending.add(Envelope.accept(request, ids.next(), now, now, null));
            }
            // What did not become durable is appended again, as a writer would (same entry id).
            for (int round = 1; !pending.isEmpty(); round++) {
                if (round > 5) {
                    throw new IllegalStateException(pending.size() + " entries would not append");
                }
                Map<Envelope, CompletableFuture<?>> sent = new java.util.LinkedHashMap<>();
                pending.forEach(e -> sent.put(e, appender.append(spec, e).toCompletableFuture()));
                pending = new ArrayList<>();
                for (var e : sent.entrySet()) {
                    try {
                        e.getValue().get(120, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.ExecutionException failed) {
                        pending.add(e.getKey());
                    }
                }
                if (!pending.isEmpty()) {
                    System.out.println("  " + pending.size() + " appends not confirmed; again");
                }
            }
        }
        post(controller.endpoint() + "/v1/namespaces/c1/resume", "");
        double walgate;
        try (Connection db = devstack.postgres().connect("c1_target")) {
            long first = -1;
            long firstCount = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            long count = 0;
            while (count < C1_ROWS && System.nanoTime() < deadline) {
                count = count(db, "SELECT count(*) FROM walgate_applied_entries");
                if (first < 0 && count > 0) {
                    first = System.nanoTime();
                    firstCount = count;
                }
                Thread.sleep(20);
            }
            walgate = (count - firstCount) / seconds(first);
        }
        double ratio = walgate / jdbc;
        System.out.printf("  %.0f entries/s applied; ratio %.2f (goal >= 0.70)%n", walgate, ratio);
        WriteBenchmark.record(
                root,
                "C1",
                String.format(
                        "## C1 — apply to PostgreSQL, %d entries of 1 KiB (%s)%n%n"
                                + "| | rows/s |%n|---|---|%n"
                                + "| plain JDBC, batches of 500, a commit per batch | %.0f |%n"
                                + "| worker applying from the log (12 partitions, one delivery thread) | %.0f |%n%n"
                                + "Ratio **%.2f** (goal ≥ 0.70).%n",
                        C1_ROWS, LocalDate.now(), jdbc, walgate, ratio));
    }

    // --- E1 -----------------------------------------------------------------------------------

    private static void e1(Path root, JavaService controller, JavaService gateway, Upstream upstream) throws Exception {
        createNamespace(
                controller,
                "e1",
                "{\"name\":\"e1\",\"owner\":\"bench\",\"backend\":{\"type\":\"kafka\",\"partitions\":12},"
                        + "\"target\":{\"type\":\"http\",\"regions\":{\"local\":{\"url\":\"" + upstream.url()
                        + "\"}}},\"limits\":{\"writesPerSecond\":1000000}}");
        awaitWritable(gateway, "e1");
        String url = gateway.endpoint() + "/v1/namespaces/e1/entries";
        System.out.println("E1 peak: single REST writes, 32 clients, closed loop …");
        AtomicLong peakWrites = new AtomicLong();
        WriteBenchmark.Result peak = WriteBenchmark.measure(32, 1, () -> {
            boolean ok = post(url, entry("peak", Duration.ZERO)) == 201;
            if (ok) {
                peakWrites.incrementAndGet();
            }
            return ok;
        });
        System.out.println("  " + peak);
        // Let the worker catch up before measuring latency.
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (upstream.received("peak") < peakWrites.get() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        double rate = peak.perSecond() / 2;
        System.out.printf("E1: %.0f writes/s (half of peak) for %d s, write → applied …%n", rate, E1_SECONDS);
        long[] writes = paced(url, "e1", rate, E1_SECONDS, Duration.ZERO);
        awaitReceived(upstream, "e1", (long) (rate * E1_SECONDS * 0.99));
        long[] latency = upstream.latencies("e1");
        System.out.printf(
                "  %d applied, p50 %.1f ms, p99 %.1f ms (goal p50 <= 20 ms, p99 <= 100 ms); the writes alone p50 %.1f ms,"
                        + " p99 %.1f ms%n",
                latency.length, ms(latency, 0.5), ms(latency, 0.99), ms(writes, 0.5), ms(writes, 0.99));
        WriteBenchmark.record(
                root,
                "E1",
                String.format(
                        "## E1 — write → applied, no delay (%s)%n%n"
                                + "Peak single REST writes (32 clients, closed loop): %.0f/s. At half of it, %.0f/s"
                                + " paced for %d s, to an HTTP target:%n%n"
                                + "| | count | p50 | p99 |%n|---|---|---|---|%n"
                                + "| write → applied | %d | %.1f ms | %.1f ms |%n"
                                + "| of which the write (send → `durable` TRUE) | %d | %.1f ms | %.1f ms |%n%n"
                                + "Goal p50 ≤ 20 ms, p99 ≤ 100 ms. Latency = the target's receipt − the client's send.%n",
                        LocalDate.now(),
                        peak.perSecond(),
                        rate,
                        E1_SECONDS,
                        latency.length,
                        ms(latency, 0.5),
                        ms(latency, 0.99),
                        writes.length,
                        ms(writes, 0.5),
                        ms(writes, 0.99)));
    }

    // --- D1 -----------------------------------------------------------------------------------

    private static void d1(Path root, JavaService controller, JavaService gateway, Upstream upstream) throws Exception {
        StringBuilder rows = new StringBuilder();
        for (String backend : List.of("kafka", "sqs")) {
            String ns = "d1_" + backend;
            createNamespace(
                    controller,
                    ns,
                    "{\"name\":\"" + ns + "\",\"owner\":\"bench\",\"backend\":{\"type\":\"" + backend + "\"},"
                            + "\"target\":{\"type\":\"http\",\"regions\":{\"local\":{\"url\":\"" + upstream.url()
                            + "\"}}},\"limits\":{\"writesPerSecond\":1000000}}");
            awaitWritable(gateway, ns);
            System.out.printf("D1 %s: %d entries delayed %s, 30/s …%n", backend, D1_ENTRIES, D1_DELAY);
            paced(gateway.endpoint() + "/v1/namespaces/" + ns + "/entries", ns, 30, D1_ENTRIES / 30, D1_DELAY);
            awaitReceived(upstream, ns, D1_ENTRIES / 30 * 30);
            long[] lateness = upstream.latencies(ns);
            System.out.printf(
                    "  %d applied, lateness p50 %.1f ms, p99 %.1f ms%n",
                    lateness.length, ms(lateness, 0.5), ms(lateness, 0.99));
            rows.append(String.format(
                    "| %s | %d | %.1f ms | %.1f ms | %s |%n",
                    backend,
                    lateness.length,
                    ms(lateness, 0.5),
                    ms(lateness, 0.99),
                    backend.equals("kafka") ? "p99 ≤ 250 ms" : "p99 ≤ 1.5 s"));
        }
        WriteBenchmark.record(
                root,
                "D1",
                String.format(
                        "## D1 — lateness of delayed entries, delay %s (%s)%n%n"
                                + "| backend | applied | p50 | p99 | goal |%n|---|---|---|---|---|%n%s%n"
                                + "Lateness = the target's receipt − (the client's send + the delay).%n",
                        D1_DELAY, LocalDate.now(), rows));
    }

    // --- helpers ------------------------------------------------------------------------------

    /**
     * Writes {@code rate} entries a second for {@code seconds} from 16 threads, each stamped.
     *
     * @return the writes' own latencies (send → durable answer), in microseconds, sorted
     */
    private static long[] paced(String url, String phase, double rate, int seconds, Duration delay)
            throws InterruptedException {
        ConcurrentLinkedQueue<Long> writes = new ConcurrentLinkedQueue<>();
        long total = (long) (rate * seconds);
        long start = System.nanoTime();
        AtomicLong next = new AtomicLong();
        var pool = Executors.newFixedThreadPool(16);
        for (int t = 0; t < 16; t++) {
            pool.execute(() -> {
                long i;
                while ((i = next.getAndIncrement()) < total) {
                    long due = start + (long) (i * 1e9 / rate);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        try {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    try {
                        long before = System.nanoTime();
                        if (post(url, entry(phase, delay)) == 201) {
                            writes.add((System.nanoTime() - before) / 1000);
                        }
                    } catch (IOException e) {
                        // counted as missing at the target
                    }
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(seconds + 120L, TimeUnit.SECONDS);
        return writes.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    private static String entry(String phase, Duration delay) {
        long sentMicros = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now()) + delay.toNanos() / 1000;
        return "{\"payload\":\"" + "eA==" + "\",\"partitionKey\":\"k" + (sentMicros % 10_000)
                + "\",\"headers\":{\"phase\":\"" + phase + "\",\"due\":\"" + sentMicros + "\"}"
                + (delay.isZero() ? "" : ",\"lifecycle\":{\"delay\":\"" + delay + "\"}") + "}";
    }

    private static void awaitReceived(Upstream upstream, String phase, long count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (upstream.received(phase) < count && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Thread.sleep(1000);
    }

    private static int post(String url, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/json");
        c.setFixedLengthStreamingMode(bytes.length);
        try (var out = c.getOutputStream()) {
            out.write(bytes);
        }
        int status = c.getResponseCode();
        try (var in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
            if (in != null) {
                in.readAllBytes();
            }
        }
        return status;
    }

    private static void createNamespace(JavaService controller, String name, String json) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> created = http.send(
                HttpRequest.newBuilder(URI.create(controller.endpoint() + "/v1/namespaces"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("could not create " + name + ": " + created.body());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String body = http.send(
                            HttpRequest.newBuilder(URI.create(controller.endpoint() + "/v1/namespaces/" + name))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            if (body.contains("\"phase\":\"READY\"")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("namespace " + name + " did not become READY");
    }

    private static void awaitWritable(JavaService gateway, String ns) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (post(gateway.endpoint() + "/v1/namespaces/" + ns + "/entries", "{\"payload\":\"aGk=\"}") == 201) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the gateway did not accept writes to " + ns);
    }

    private static long count(Connection db, String sql) {
        try (var rs = db.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            return 0; // the target creates its tables with the first apply
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static double ms(long[] sortedMicros, double p) {
        return WriteBenchmark.percentile(sortedMicros, p) / 1000.0;
    }

    /** The HTTP target: records, per phase, receipt time − the entry's stamped due time. */
    static final class Upstream implements AutoCloseable {
        private final HttpServer server;
        private final Map<String, ConcurrentLinkedQueue<Long>> latencies = new ConcurrentHashMap<>();

        Upstream() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
            server.setExecutor(Executors.newFixedThreadPool(4));
            server.createContext("/", exchange -> {
                long now = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
                exchange.getRequestBody().readAllBytes();
                String phase = exchange.getRequestHeaders().getFirst("Walgate-Header-phase");
                String due = exchange.getRequestHeaders().getFirst("Walgate-Header-due");
                if (phase != null && due != null) {
                    latencies
                            .computeIfAbsent(phase, p -> new ConcurrentLinkedQueue<>())
                            .add(now - Long.parseLong(due));
                }
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/apply";
        }

        long received(String phase) {
            var q = latencies.get(phase);
            return q == null ? 0 : q.size();
        }

        long[] latencies(String phase) {
            var q = latencies.getOrDefault(phase, new ConcurrentLinkedQueue<>());
            return q.stream().mapToLong(Long::longValue).sorted().toArray();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
