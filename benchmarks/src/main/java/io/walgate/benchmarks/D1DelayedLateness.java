package io.walgate.benchmarks;

import static io.walgate.benchmarks.Measurement.ms;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;

/**
 * D1: lateness of delayed entries (received − (sent + delay)) on Kafka and on SQS, {@code
 * bench.d1-entries} (300) entries at 30 a second. Goals: p99 ≤ 250 ms on Kafka, ≤ 1.5 s on SQS.
 */
final class D1DelayedLateness {
    private static final int D1_ENTRIES = Integer.getInteger("bench.d1-entries", 300);
    private static final Duration D1_DELAY = Duration.ofSeconds(5);

    private D1DelayedLateness() {}

    static void run(BenchStack stack, Upstream upstream) throws Exception {
        StringBuilder rows = new StringBuilder();
        for (String backend : List.of("kafka", "sqs")) {
            String ns = "d1_" + backend;
            stack.createNamespace(
                    ns,
                    "{\"name\":\"" + ns + "\",\"owner\":\"bench\",\"backend\":{\"type\":\"" + backend + "\"},"
                            + "\"target\":{\"type\":\"http\",\"regions\":{\"local\":{\"url\":\"" + upstream.url()
                            + "\"}}},\"limits\":{\"writesPerSecond\":1000000}}");
            stack.awaitWritable(ns);
            System.out.printf("D1 %s: %d entries delayed %s, 30/s …%n", backend, D1_ENTRIES, D1_DELAY);
            PacedWrites.paced(stack.entriesUrl(ns), ns, 30, D1_ENTRIES / 30, D1_DELAY);
            upstream.awaitReceived(ns, D1_ENTRIES / 30 * 30);
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
        Report.record(
                "D1",
                String.format(
                        "## D1 — lateness of delayed entries, delay %s (%s)%n%n"
                                + "| backend | applied | p50 | p99 | goal |%n|---|---|---|---|---|%n%s%n"
                                + "Lateness = the target's receipt − (the client's send + the delay).%n",
                        D1_DELAY, LocalDate.now(), rows));
    }
}
