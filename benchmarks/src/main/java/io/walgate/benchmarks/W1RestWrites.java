package io.walgate.benchmarks;

import io.walgate.benchmarks.Measurement.Result;
import java.time.LocalDate;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * W1: single-entry REST writes of 1 KiB from {@code bench.threads} (64) concurrent clients, against
 * a baseline of one KafkaProducer doing one synchronous {@code acks=all} send per request from as
 * many threads. Goals: ratio ≥ 0.40, gateway peak resident memory ≤ 300 MB (M1).
 */
final class W1RestWrites {
    private static final int THREADS = Integer.getInteger("bench.threads", 64);

    private W1RestWrites() {}

    static void run(BenchStack stack, byte[] payload, RssSampler rss) throws Exception {
        System.out.println("W1 baseline: raw producer, " + THREADS + " threads, one sync acks=all send each …");
        Result raw = rawProducer(stack.devstack().kafka().bootstrapServers(), payload);
        System.out.println("  " + raw);
        System.out.println("W1 gateway: REST, " + THREADS + " concurrent clients, 1 KiB entries …");
        Result rest = rest(stack, payload);
        System.out.println("  " + rest);
        double ratio = rest.perSecond() / raw.perSecond();
        System.out.printf(
                "  ratio %.2f of the raw producer (goal >= 0.40); gateway peak RSS %d MB (goal <= 300)%n",
                ratio, rss.peakMegabytes());
        Report.record("W1", table(raw, rest, ratio, rss.peakMegabytes()));
    }

    private static Result rawProducer(String bootstrap, byte[] payload) throws InterruptedException {
        Map<String, Object> config =
                Map.of("bootstrap.servers", bootstrap, "acks", "all", "enable.idempotence", true, "linger.ms", 1);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            Random keys = new Random();
            return Measurement.measure(THREADS, 1, () -> {
                byte[] key = Long.toString(keys.nextInt(10_000)).getBytes();
                producer.send(new ProducerRecord<>("wal.bench", key, payload)).get();
                return true;
            });
        }
    }

    private static Result rest(BenchStack stack, byte[] payload) throws InterruptedException {
        System.setProperty("http.maxConnections", String.valueOf(THREADS * 2));
        String b64 = Base64.getEncoder().encodeToString(payload);
        String url = stack.entriesUrl(WriteSetup.NAMESPACE);
        Random keys = new Random();
        return Measurement.measure(THREADS, 1, () -> {
            String body = "{\"payload\":\"" + b64 + "\",\"partitionKey\":\"k" + keys.nextInt(10_000) + "\"}";
            return BenchStack.post(url, body) == 201;
        });
    }

    private static String table(Result raw, Result rest, double ratio, long rssMegabytes) {
        return String.format(
                "## W1 — REST single-entry writes, 1 KiB, %d clients (%s, %d s after %d s warm-up)%n%n"
                        + "| | writes/s | p50 | p99 | errors |%n|---|---|---|---|---|%n"
                        + "| raw producer, one sync `acks=all` send per request, %d threads | %.0f | %.2f ms | %.2f ms | %d |%n"
                        + "| gateway REST (`durable` TRUE) | %.0f | %.2f ms | %.2f ms | %d |%n%n"
                        + "Ratio **%.2f** (goal ≥ 0.40). Gateway peak resident memory **%d MB** (M1 goal ≤ 300 MB).%n",
                THREADS,
                LocalDate.now(),
                Measurement.RUN.toSeconds(),
                Measurement.WARMUP.toSeconds(),
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
                rssMegabytes);
    }
}
