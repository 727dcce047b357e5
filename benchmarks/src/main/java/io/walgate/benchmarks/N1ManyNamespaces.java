package io.walgate.benchmarks;

import static io.walgate.benchmarks.Measurement.ms;

import io.walgate.devstack.JavaService;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * N1: one worker serving many namespaces, a few busy and the rest idle. Reports the worker's
 * threads and resident memory per namespace, and the busy namespaces' write → applied latency (to
 * Redis) while the worker serves only them, then while it serves every namespace. Goal: threads
 * bounded, the busy namespaces' latency within 20 % of what it was alone.
 */
final class N1ManyNamespaces {
    private static final int IDLE = Integer.getInteger("bench.n1-idle", 100);
    private static final int BUSY = 5;
    private static final double RATE = Double.parseDouble(System.getProperty("bench.n1-rate", "200"));
    private static final int SECONDS = Integer.getInteger("bench.n1-seconds", 20);
    /** The same writes first, not measured: a cold gateway and worker (JIT) made "alone" 7–47 ms. */
    private static final int WARMUP = Integer.getInteger("bench.n1-warmup", 20);

    private N1ManyNamespaces() {}

    /** What the worker holds at one moment. */
    private record Snapshot(long threads, long residentBytes) {
        static Snapshot of(JavaService worker) throws IOException {
            long pid = worker.pid().orElseThrow();
            long threads = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                    .filter(l -> l.startsWith("Threads:"))
                    .mapToLong(
                            l -> Long.parseLong(l.substring("Threads:".length()).trim()))
                    .findFirst()
                    .orElse(-1);
            return new Snapshot(threads, worker.residentBytes());
        }
    }

    static void run(BenchStack stack) throws Exception {
        JavaService worker = stack.worker();
        Snapshot empty = settled(worker);
        System.out.println("N1: " + BUSY + " busy namespaces …");
        for (int i = 0; i < BUSY; i++) {
            create(stack, "n1b" + i, 4);
            stack.awaitWritable("n1b" + i);
        }
        Snapshot busyOnly = settled(worker);
        busyLatency(stack, "nwarm", WARMUP);
        long[] alone = busyLatency(stack, "nalone", SECONDS);
        System.out.printf("  alone: p50 %.1f ms, p99 %.1f ms; %s%n", ms(alone, 0.5), ms(alone, 0.99), busyOnly);

        System.out.println("N1: " + IDLE + " idle namespaces …");
        // Eight at a time: one by one, each waiting for READY, 500 take twenty minutes.
        ExecutorService creators = Executors.newFixedThreadPool(8);
        List<Future<?>> creations = new ArrayList<>();
        for (int i = 0; i < IDLE; i++) {
            String name = "n1i" + i;
            creations.add(creators.submit(() -> {
                create(stack, name, 1);
                return null;
            }));
        }
        for (Future<?> creation : creations) {
            creation.get();
        }
        creators.shutdown();
        awaitServed(worker, BUSY + IDLE);
        Snapshot all = settled(worker);
        System.out.println("  measuring the busy ones among them …"); // a cue for a profiler
        long[] among = busyLatency(stack, "namong", SECONDS);
        System.out.printf("  among them: p50 %.1f ms, p99 %.1f ms; %s%n", ms(among, 0.5), ms(among, 0.99), all);

        double threadsPerNamespace = (all.threads() - busyOnly.threads()) / (double) IDLE;
        double kibPerNamespace = (all.residentBytes() - busyOnly.residentBytes()) / 1024.0 / IDLE;
        Report.record(
                "N1",
                String.format(
                        "## N1 — one worker, %d busy namespaces and %d idle ones (%s)%n%n"
                                + "| worker serving | threads | resident memory | busy write → applied p50 | p99 |%n"
                                + "|---|---|---|---|---|%n"
                                + "| nothing | %d | %d MB | | |%n"
                                + "| the %d busy namespaces | %d | %d MB | %.1f ms | %.1f ms |%n"
                                + "| and %d idle ones | %d | %d MB | %.1f ms | %.1f ms |%n%n"
                                + "Each idle namespace costs %.1f threads and %.0f KiB; the busy ones' p50 moved"
                                + " %+.0f %% (goal: threads bounded, within 20 %%). Busy: %.0f writes/s in all for"
                                + " %d s after %d s of the same not measured, to Redis; Kafka, 4 partitions (busy) or 1"
                                + " (idle).%n",
                        BUSY,
                        IDLE,
                        LocalDate.now(),
                        empty.threads(),
                        empty.residentBytes() >> 20,
                        BUSY,
                        busyOnly.threads(),
                        busyOnly.residentBytes() >> 20,
                        ms(alone, 0.5),
                        ms(alone, 0.99),
                        IDLE,
                        all.threads(),
                        all.residentBytes() >> 20,
                        ms(among, 0.5),
                        ms(among, 0.99),
                        threadsPerNamespace,
                        kibPerNamespace,
                        100 * (ms(among, 0.5) / ms(alone, 0.5) - 1),
                        RATE,
                        SECONDS,
                        WARMUP));
    }

    private static void create(BenchStack stack, String name, int partitions) throws Exception {
        stack.createNamespace(
                name,
                "{\"name\":\"" + name + "\",\"owner\":\"bench\",\"backend\":{\"type\":\"kafka\",\"partitions\":"
                        + partitions + "},\"target\":{\"type\":\"redis\",\"regions\":{\"local\":{\"url\":\""
                        + stack.devstack().redis().url() + "\"}}},\"limits\":{\"writesPerSecond\":1000000}}");
    }

    /**
     * The worker once its thread count holds still for two samples 5 s apart (it subscribes to
     * new namespaces as the change feed tells it), after a GC would have had its chance.
     */
    private static Snapshot settled(JavaService worker) throws Exception {
        Snapshot last = Snapshot.of(worker);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline) {
            Thread.sleep(5000); // a sampling period, not a wait for a condition
            Snapshot now = Snapshot.of(worker);
            if (now.threads() == last.threads()) {
                return now;
            }
            last = now;
        }
        return last;
    }

    /**
     * Waits until the worker reports on every namespace (its lag gauge, reported once its delivery
     * polls): with shared consumers its thread count no longer tells, and a measurement while it is
     * still joining namespaces (a rebalance each) measured that instead.
     */
    private static void awaitServed(JavaService worker, int namespaces) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        long served;
        while ((served = served(worker)) < namespaces) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the worker serves " + served + " of " + namespaces + " namespaces");
            }
            Thread.sleep(2000); // the interval of a condition's checks
        }
    }

    private static long served(JavaService worker) throws IOException {
        try (InputStream in =
                URI.create(worker.endpoint() + "/q/metrics").toURL().openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .filter(l -> l.startsWith("walgate_delivery_lag_entries{"))
                    .count();
        }
    }

    /** Paced writes to every busy namespace at once (RATE in all); write → applied, sorted. */
    private static long[] busyLatency(BenchStack stack, String phase, int seconds) throws Exception {
        var redis = stack.devstack().redis();
        try (RedisArrivals arrivals = new RedisArrivals("127.0.0.1", redis.port(), phase)) {
            ExecutorService writers = Executors.newFixedThreadPool(BUSY);
            List<Future<long[]>> runs = new ArrayList<>();
            for (int i = 0; i < BUSY; i++) {
                String url = stack.entriesUrl("n1b" + i);
                runs.add(writers.submit(
                        () -> PacedWrites.paced(url, n -> RedisArrivals.entry(phase, n), RATE / BUSY, seconds)));
            }
            for (Future<long[]> run : runs) {
                run.get();
            }
            writers.shutdown();
            arrivals.awaitReceived((long) (RATE * seconds * 0.99));
            return arrivals.latencies();
        }
    }
}
