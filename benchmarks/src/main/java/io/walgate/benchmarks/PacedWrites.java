package io.walgate.benchmarks;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * Open-loop REST writes at a set rate, each entry stamped with its phase and its due time so that
 * the {@link Upstream} can tell how long after it was due it arrived.
 */
final class PacedWrites {
    private PacedWrites() {}

    /**
     * Writes {@code rate} entries a second for {@code seconds} from 16 threads, each stamped.
     *
     * @return the writes' own latencies (send → durable answer), in microseconds, sorted
     */
    static long[] paced(String url, String phase, double rate, int seconds, Duration delay)
            throws InterruptedException {
        return paced(url, n -> entry(phase, delay), rate, seconds);
    }

    /** As above, the {@code n}th entry's body made by {@code body} as it is sent. */
    static long[] paced(String url, LongFunction<String> body, double rate, int seconds) throws InterruptedException {
        ConcurrentLinkedQueue<Long> writes = new ConcurrentLinkedQueue<>();
        long total = (long) (rate * seconds);
        long start = System.nanoTime();
        AtomicLong next = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(16);
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
                        if (BenchStack.post(url, body.apply(i)) == 201) {
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

    /** One entry of {@code phase}, due after {@code delay}, its due time in a header. */
    static String entry(String phase, Duration delay) {
        long sentMicros = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now()) + delay.toNanos() / 1000;
        return "{\"payload\":\"" + "eA==" + "\",\"partitionKey\":\"k" + (sentMicros % 10_000)
                + "\",\"headers\":{\"phase\":\"" + phase + "\",\"due\":\"" + sentMicros + "\"}"
                + (delay.isZero() ? "" : ",\"lifecycle\":{\"delay\":\"" + delay + "\"}") + "}";
    }
}
