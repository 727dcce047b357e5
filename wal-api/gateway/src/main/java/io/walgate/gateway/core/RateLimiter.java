package io.walgate.gateway.core;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * One token bucket per namespace: {@code writesPerSecond} tokens a second, bursts up to one
 * second's worth. Per gateway instance: a namespace served by N gateways may see N times its rate.
 */
public final class RateLimiter {
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final LongSupplier nanoClock;

    public RateLimiter(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    public RateLimiter() {
        this(System::nanoTime);
    }

    /** Takes one token: 0 when there was one, else how many milliseconds until there will be. */
    public long tryAcquire(String namespace, int writesPerSecond) {
        return buckets.computeIfAbsent(namespace, n -> new Bucket(nanoClock.getAsLong()))
                .tryAcquire(writesPerSecond, nanoClock.getAsLong());
    }

    private static final class Bucket {
        private double tokens = -1;
        private long last;

        Bucket(long now) {
            this.last = now;
        }

        synchronized long tryAcquire(int rate, long now) {
            if (tokens < 0) {
                tokens = rate; // a new bucket starts full
            }
            tokens = Math.min(rate, tokens + (now - last) / 1e9 * rate);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) / rate * 1000);
        }
    }
}
