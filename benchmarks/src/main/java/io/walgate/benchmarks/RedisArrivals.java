package io.walgate.benchmarks;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * When entries reach Redis, seen through keyspace notifications: each entry's key carries its send
 * time ({@code <phase>:<microseconds since the epoch>:<n>}), and a SET of it is recorded as the
 * receipt time − the send time. The Redis side of {@link Upstream}.
 */
final class RedisArrivals implements AutoCloseable {
    private static final Pattern KEY = Pattern.compile("__keyspace@0__:([a-z0-9]+):(\\d+):\\d+");

    private final String phase;
    private final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    private final Jedis subscriber;
    private final JedisPubSub listener = new JedisPubSub() {
        @Override
        public void onPMessage(String pattern, String channel, String message) {
            long now = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
            Matcher m = KEY.matcher(channel);
            if ("set".equals(message) && m.matches() && m.group(1).equals(phase)) {
                latencies.add(now - Long.parseLong(m.group(2)));
            }
        }
    };
    private final Thread thread;

    /** Subscribes to SETs of {@code phase}'s keys on the Redis at {@code host}:{@code port}. */
    RedisArrivals(String host, int port, String phase) throws InterruptedException {
        this.phase = phase;
        try (Jedis admin = new Jedis(host, port)) {
            admin.configSet("notify-keyspace-events", "K$");
        }
        subscriber = new Jedis(host, port);
        thread = new Thread(() -> subscriber.psubscribe(listener, "__keyspace@0__:" + phase + ":*"), "redis-arrivals");
        thread.setDaemon(true);
        thread.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!listener.isSubscribed() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    /** An entry whose Redis key tells when it was sent. */
    static String entry(String phase, long n) {
        long sentMicros = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
        return "{\"payload\":\"eA==\",\"partitionKey\":\"k" + (n % 10_000) + "\",\"target\":{\"key\":\"" + phase + ":"
                + sentMicros + ":" + n + "\"}}";
    }

    long received() {
        return latencies.size();
    }

    /** The latencies in microseconds, sorted. */
    long[] latencies() {
        return latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    /** Waits (up to 3 minutes) until {@code count} entries arrived. */
    void awaitReceived(long count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (received() < count && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    @Override
    public void close() {
        if (listener.isSubscribed()) {
            listener.punsubscribe();
        }
        subscriber.close();
    }
}
