package io.walgate.contract.namespace;

import java.time.Duration;

/**
 * How a failed apply is retried before the entry is dead-lettered. The n-th retry waits {@code
 * min(initialBackoff * multiplier^(n-1), maxBackoff)}.
 *
 * @param maxAttempts attempts in all, the first included (default 8, 1..100)
 * @param initialBackoff wait before the first retry (default PT1S)
 * @param multiplier growth per retry (default 2.0, 1.0..10.0)
 * @param maxBackoff the longest wait (default PT5M, at most P1D)
 * @param jitter the share of each wait drawn at random, 0.0..1.0 (default 0.2: a wait of 10 s
 *     becomes 8 to 10 s), so that entries failing together do not all come back together
 */
public record RetryPolicy(
        Integer maxAttempts, Duration initialBackoff, Double multiplier, Duration maxBackoff, Double jitter) {
    public static final int DEFAULT_MAX_ATTEMPTS = 8;
    public static final int MAX_MAX_ATTEMPTS = 100;
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(1);
    public static final double DEFAULT_MULTIPLIER = 2.0;
    public static final double MAX_MULTIPLIER = 10.0;
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMinutes(5);
    public static final Duration MAX_MAX_BACKOFF = Duration.ofDays(1);
    public static final double DEFAULT_JITTER = 0.2;

    /** A policy with the default jitter. */
    public RetryPolicy(Integer maxAttempts, Duration initialBackoff, Double multiplier, Duration maxBackoff) {
        this(maxAttempts, initialBackoff, multiplier, maxBackoff, null);
    }

    public static RetryPolicy defaults() {
        return new RetryPolicy(
                DEFAULT_MAX_ATTEMPTS, DEFAULT_INITIAL_BACKOFF, DEFAULT_MULTIPLIER, DEFAULT_MAX_BACKOFF, DEFAULT_JITTER);
    }

    public RetryPolicy withDefaults() {
        return new RetryPolicy(
                maxAttempts != null ? maxAttempts : DEFAULT_MAX_ATTEMPTS,
                initialBackoff != null ? initialBackoff : DEFAULT_INITIAL_BACKOFF,
                multiplier != null ? multiplier : DEFAULT_MULTIPLIER,
                maxBackoff != null ? maxBackoff : DEFAULT_MAX_BACKOFF,
                jitter != null ? jitter : DEFAULT_JITTER);
    }

    /**
     * The wait before retry number {@code retry} (1 for the first retry). Only meaningful on a
     * policy with its defaults filled in.
     */
    public Duration backoff(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retries count from 1: " + retry);
        }
        double millis = initialBackoff.toMillis() * Math.pow(multiplier, retry - 1);
        return millis >= maxBackoff.toMillis() ? maxBackoff : Duration.ofMillis((long) millis);
    }

    /**
     * {@link #backoff(int)} with its jitter applied: the wait less up to {@code jitter} of it.
     *
     * @param random a uniform draw from [0, 1)
     */
    public Duration backoff(int retry, double random) {
        Duration full = backoff(retry);
        return full.minusMillis((long) (full.toMillis() * jitter * random));
    }
}
