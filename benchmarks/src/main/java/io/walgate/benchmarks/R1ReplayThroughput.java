package io.walgate.benchmarks;

import io.walgate.contract.EntryId;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.EnvelopeCodec;
import io.walgate.contract.entry.TargetOp;
import io.walgate.contract.entry.TargetOverride;
import io.walgate.devstack.WalgateServices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * R1: how fast a replay job puts dead letters back on the log when nothing holds it back (the rate
 * set above what it reaches), against re-appending the same records with a plain producer, in the
 * same run. The dead letters are shelved as a worker leaves them: records in the namespace's DLQ
 * topic, rows in the controller's index.
 */
final class R1ReplayThroughput {
    private static final String NAMESPACE = "replayed";
    private static final String WARM_UP = "replayed-warm-up";

    private R1ReplayThroughput() {}

    static void run(BenchStack stack) throws Exception {
        int letters = Integer.getInteger("bench.r1-letters", 20_000);
        String bootstrap = stack.devstack().kafka().bootstrapServers();
        // The controller's replay path warmed up first (its JIT: the first batches run several times slower).
        create(stack, WARM_UP);
        shelve(stack, bootstrap, WARM_UP, letters / 2);
        replay(stack, WARM_UP);
        create(stack, NAMESPACE);
        List<byte[]> records = shelve(stack, bootstrap, NAMESPACE, letters);

        double producer = plainProducer(bootstrap, NAMESPACE, records);
        double replay = replay(stack, NAMESPACE);
        String section = String.format(
                "## R1 — replay throughput, %d dead letters of 1 KiB, unthrottled (%s; the controller warmed up by"
                        + " a replay of half as many)%n%n"
                        + "| | dead letters/s |%n|---|---|%n"
                        + "| plain producer re-appending the same records (async, `acks=all`, idempotent) | %.0f |%n"
                        + "| replay job (read from the DLQ, put back, marked in the index) | %.0f |%n%n"
                        + "Ratio: %.2f of the plain producer.%n",
                letters, Instant.now().toString().substring(0, 10), producer, replay, replay / producer);
        System.out.print(section);
        Report.record("R1", section);
    }

    private static void create(BenchStack stack, String namespace) throws Exception {
        stack.createNamespace(
                namespace,
                "{\"name\":\"" + namespace + "\",\"owner\":\"bench\",\"backend\":{\"type\":\"kafka\","
                        + "\"partitions\":12},\"target\":{\"type\":\"http\",\"regions\":{\"local\":"
                        + "{\"url\":\"http://127.0.0.1:9\"}}}}");
    }

    /** Puts {@code n} dead letters where a worker leaves them; their records, as appended. */
    private static List<byte[]> shelve(BenchStack stack, String bootstrap, String namespace, int n) throws Exception {
        EntryId.Generator ids = new EntryId.Generator();
        byte[] payload = new byte[1024];
        new Random(42).nextBytes(payload);
        List<Envelope> entries = new ArrayList<>();
        List<byte[]> records = new ArrayList<>();
        List<Future<RecordMetadata>> placed = new ArrayList<>();
        Instant now = Instant.now();
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            for (int i = 0; i < n; i++) {
                Envelope e = new Envelope(
                                ids.next(),
                                namespace,
                                3,
                                now,
                                now,
                                now,
                                "k" + (i % 1000),
                                null,
                                "application/octet-stream",
                                null,
                                Map.of(),
                                new TargetOverride(null, TargetOp.PUT, Map.of()),
                                payload)
                        .withFailure("HTTP_503", "unavailable", now);
                entries.add(e);
                records.add(EnvelopeCodec.encode(e));
                placed.add(producer.send(new ProducerRecord<>(
                        "wal." + namespace + ".dlq",
                        e.partitionKey().getBytes(StandardCharsets.UTF_8),
                        records.get(i))));
            }
            producer.flush();
        }
        try (Connection db = stack.devstack().postgres().connect(WalgateServices.CONTROLLER_DATABASE);
                PreparedStatement s = db.prepareStatement("INSERT INTO dead_letters (namespace, region, entry_id,"
                        + " partition_key, first_error_code, error_code, error_message, attempts, accepted_at, dead_at,"
                        + " dlq, dlq_partition, dlq_offset) VALUES (?, 'local', ?, ?, 'HTTP_503', 'HTTP_503',"
                        + " 'unavailable', 3, ?, ?, ?, ?, ?)")) {
            for (int i = 0; i < n; i++) {
                RecordMetadata at = placed.get(i).get();
                s.setString(1, namespace);
                s.setString(2, entries.get(i).id().toString());
                s.setString(3, entries.get(i).partitionKey());
                s.setObject(4, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
                s.setObject(5, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
                s.setString(6, "wal." + namespace + ".dlq");
                s.setInt(7, at.partition());
                s.setLong(8, at.offset());
                s.addBatch();
                if (i % 1000 == 999) {
                    s.executeBatch();
                }
            }
            s.executeBatch();
        }
        return records;
    }

    /** Records per second a plain producer re-appends {@code records} to the namespace's log at. */
    private static double plainProducer(String bootstrap, String namespace, List<byte[]> records) {
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            long start = System.nanoTime();
            for (byte[] r : records) {
                producer.send(new ProducerRecord<>("wal." + namespace, r));
            }
            producer.flush();
            return records.size() * 1e9 / (System.nanoTime() - start);
        }
    }

    /** Dead letters per second of a replay job of every one of them, from the job's own times. */
    private static double replay(BenchStack stack, String namespace) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = stack.controllerUrl() + "/v1/namespaces/" + namespace + "/replays";
        HttpResponse<String> started = http.send(
                HttpRequest.newBuilder(URI.create(base))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"ratePerSecond\":" + BenchStack.MAX_REPLAY_RATE + "}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (started.statusCode() != 202) {
            throw new IllegalStateException("the replay did not start: " + started.body());
        }
        String id = field(started.body(), "id");
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (System.nanoTime() < deadline) {
            String job = http.send(
                            HttpRequest.newBuilder(URI.create(base + "/" + id)).build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            String state = field(job, "state");
            if (state.equals("SUCCEEDED")) {
                Duration took = Duration.between(
                        Instant.parse(field(job, "startedAt")), Instant.parse(field(job, "finishedAt")));
                return Long.parseLong(field(job, "replayed")) * 1000.0 / took.toMillis();
            }
            if (!state.equals("PENDING") && !state.equals("RUNNING")) {
                throw new IllegalStateException("the replay ended " + state + ": " + job);
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the replay did not end within 10 minutes");
    }

    /** A top-level field of the job's JSON, as text (the benchmarks carry no JSON library). */
    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"?([^\",}]*)").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        return m.group(1);
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(
                Map.of("bootstrap.servers", bootstrap, "acks", "all", "enable.idempotence", true, "linger.ms", 5),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }
}
