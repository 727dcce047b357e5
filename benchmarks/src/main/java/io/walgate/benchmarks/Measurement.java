package io.walgate.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Closed-loop load with a warm-up: client threads call as fast as they are answered, first for
 * {@code bench.warmup} seconds that do not count (the services' JIT is still compiling), then for
 * {@code bench.seconds} that do; and the percentiles of what was measured.
 */
final class Measurement {
    static final Duration WARMUP = Duration.ofSeconds(Integer.getInteger("bench.warmup", 30));
    static final Duration RUN = Duration.ofSeconds(Integer.getInteger("bench.seconds", 20));

    private Measurement() {}

    /** What one measured loop achieved; latencies in microseconds. */
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

    /** The {@code p} percentile (0..1) of sorted values, 0 when there are none. */
    static long percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))];
    }

    /** The {@code p} percentile of sorted microseconds, in milliseconds. */
    static double ms(long[] sortedMicros, double p) {
        return percentile(sortedMicros, p) / 1000.0;
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
