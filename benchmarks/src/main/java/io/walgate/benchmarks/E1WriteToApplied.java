package io.walgate.benchmarks;

import static io.walgate.benchmarks.Measurement.ms;

import io.walgate.benchmarks.Measurement.Result;
import java.time.Duration;
import java.time.LocalDate;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * E1: write → applied latency, no delay, at half of the gateway's peak single-write rate measured
 * in the same run; "applied" is when the HTTP target (in this process) receives the entry. Goal:
 * p50 ≤ 20 ms, p99 ≤ 100 ms.
 */
final class E1WriteToApplied {
    private static final int E1_SECONDS = Integer.getInteger("bench.e1-seconds", 20);
    private static final int WARM_UP_SECONDS = 5;
    /** Microseconds from the Redis namespace's READY to its first entry applied. */
    private static long firstApplied;
    /** The Redis phase's {@link WorkerTimes}. */
    private static String redisTimes;

    private E1WriteToApplied() {}

    static void run(BenchStack stack, Upstream upstream) throws Exception {
        stack.createNamespace(
                "e1",
                "{\"name\":\"e1\",\"owner\":\"bench\",\"backend\":{\"type\":\"kafka\",\"partitions\":12},"
                        + "\"target\":{\"type\":\"http\",\"regions\":{\"local\":{\"url\":\"" + upstream.url()
                        + "\"}}},\"limits\":{\"writesPerSecond\":1000000}}");
        stack.awaitWritable("e1");
        String url = stack.entriesUrl("e1");
        System.out.println("E1 peak: single REST writes, 32 clients, closed loop …");
        AtomicLong peakWrites = new AtomicLong();
        Result peak = Measurement.measure(32, 1, () -> {
            boolean ok = BenchStack.post(url, PacedWrites.entry("peak", Duration.ZERO)) == 201;
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
        String worker = stack.worker().endpoint();
        WorkerTimes before = WorkerTimes.of(worker, "e1");
        long[] writes = PacedWrites.paced(url, "e1", rate, E1_SECONDS, Duration.ZERO);
        upstream.awaitReceived("e1", (long) (rate * E1_SECONDS * 0.99));
        String httpTimes = WorkerTimes.of(worker, "e1").since(before);
        long[] latency = upstream.latencies("e1");
        long[][] redis = toRedis(stack, rate);
        System.out.printf(
                "  %d applied, p50 %.1f ms, p99 %.1f ms (goal p50 <= 20 ms, p99 <= 100 ms); the writes alone p50 %.1f ms,"
                        + " p99 %.1f ms; %s%n",
                latency.length, ms(latency, 0.5), ms(latency, 0.99), ms(writes, 0.5), ms(writes, 0.99), httpTimes);
        Report.record(
                "E1",
                String.format(
                        "## E1 — write → applied, no delay (%s)%n%n"
                                + "Peak single REST writes (32 clients, closed loop): %.0f/s. At half of it, %.0f/s"
                                + " paced for %d s, to an HTTP target:%n%n"
                                + "| | count | p50 | p99 |%n|---|---|---|---|%n"
                                + "| write → applied | %d | %.1f ms | %.1f ms |%n"
                                + "| of which the write (send → `durable` TRUE) | %d | %.1f ms | %.1f ms |%n"
                                + "| write → applied, the same rate to a Redis target | %d | %.1f ms | %.1f ms |%n"
                                + "| of which the write | %d | %.1f ms | %.1f ms |%n%n"
                                + "Goal p50 ≤ 20 ms, p99 ≤ 100 ms. Latency = the target's receipt (HTTP: the request"
                                + " arrives; Redis: its keyspace notification of the SET) − the client's send. Each"
                                + " namespace is written to before it is measured; a new namespace's first entry was"
                                + " applied %.1f s after it was READY. In the worker, HTTP: %s; Redis: %s.%n",
                        LocalDate.now(),
                        peak.perSecond(),
                        rate,
                        E1_SECONDS,
                        latency.length,
                        ms(latency, 0.5),
                        ms(latency, 0.99),
                        writes.length,
                        ms(writes, 0.5),
                        ms(writes, 0.99),
                        redis[0].length,
                        ms(redis[0], 0.5),
                        ms(redis[0], 0.99),
                        redis[1].length,
                        ms(redis[1], 0.5),
                        ms(redis[1], 0.99),
                        firstApplied / 1e6,
                        httpTimes,
                        redisTimes));
    }

    /**
     * The same paced writes to a namespace whose target is Redis: no HTTP server or client of the
     * benchmark's in the way, so what remains is Walgate's own part.
     *
     * @return write → applied latencies, then the writes' own, in microseconds, sorted
     */
    private static long[][] toRedis(BenchStack stack, double rate) throws Exception {
        var redis = stack.devstack().redis();
        stack.createNamespace(
                "e1r",
                "{\"name\":\"e1r\",\"owner\":\"bench\",\"backend\":{\"type\":\"kafka\",\"partitions\":12},"
                        + "\"target\":{\"type\":\"redis\",\"regions\":{\"local\":{\"url\":\"" + redis.url()
                        + "\"}}},\"limits\":{\"writesPerSecond\":1000000}}");
        stack.awaitWritable("e1r");
        long writable = System.nanoTime();
        var host = "127.0.0.1";
        try (RedisArrivals warm = new RedisArrivals(host, redis.port(), "e1rw")) {
            // A new namespace's first entries wait until the worker serves it (it learns of it from the
            // controller's feed, and its consumer's group gives it its partitions): not E1's steady
            // state, so reported on its own, and followed by writes at the same rate, unmeasured, as
            // the HTTP phase's peak measurement is.
            String url = stack.entriesUrl("e1r");
            long n = 0;
            long deadline = writable + TimeUnit.MINUTES.toNanos(2);
            while (warm.received() == 0 && System.nanoTime() < deadline) {
                BenchStack.post(url, RedisArrivals.entry("e1rw", n++));
                Thread.sleep(20);
            }
            firstApplied = (System.nanoTime() - writable) / 1_000;
            System.out.printf(
                    "E1 Redis: a new namespace's first entry applied %.1f s after it was READY%n", firstApplied / 1e6);
            long offset = n;
            PacedWrites.paced(url, k -> RedisArrivals.entry("e1rw", offset + k), rate, WARM_UP_SECONDS);
            warm.awaitReceived(offset + (long) (rate * WARM_UP_SECONDS * 0.99));
        }
        try (RedisArrivals arrivals = new RedisArrivals(host, redis.port(), "e1r")) {
            System.out.printf("E1 Redis: %.0f writes/s for %d s, write → applied …%n", rate, E1_SECONDS);
            WorkerTimes before = WorkerTimes.of(stack.worker().endpoint(), "e1r");
            long[] writes =
                    PacedWrites.paced(stack.entriesUrl("e1r"), n -> RedisArrivals.entry("e1r", n), rate, E1_SECONDS);
            arrivals.awaitReceived((long) (rate * E1_SECONDS * 0.99));
            redisTimes = WorkerTimes.of(stack.worker().endpoint(), "e1r").since(before);
            long[] latency = arrivals.latencies();
            System.out.printf(
                    "  %d applied, p50 %.1f ms, p99 %.1f ms; the writes alone p50 %.1f ms, p99 %.1f ms; %s%n",
                    latency.length, ms(latency, 0.5), ms(latency, 0.99), ms(writes, 0.5), ms(writes, 0.99), redisTimes);
            return new long[][] {latency, writes};
        }
    }
}
