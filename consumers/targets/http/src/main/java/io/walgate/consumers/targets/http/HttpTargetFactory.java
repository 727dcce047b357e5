package io.walgate.consumers.targets.http;

import io.walgate.consumers.targets.RegionOptions;
import io.walgate.consumers.targets.Target;
import io.walgate.consumers.targets.TargetContext;
import io.walgate.consumers.targets.TargetFactory;
import io.walgate.contract.namespace.RegionTarget;
import io.walgate.contract.namespace.TargetType;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes {@link HttpTarget}s: {@code http(s)://…}; options {@code timeout} (default 10 s) and {@code
 * path} (under the URL, where an entry gives none). Its targets
 * share one {@link HttpClient} per timeout (each client keeps a selector thread and a connection
 * pool): a worker with 500 HTTP namespaces runs a few clients, not 500.
 */
public final class HttpTargetFactory implements TargetFactory {
    /** The threads a batch's lanes run on beyond its first, shared by every target (idle ones end). */
    static final int LANE_THREADS = 32;

    private final Map<Duration, HttpClient> clients = new ConcurrentHashMap<>();
    private final ExecutorService lanes = lanes();

    @Override
    public TargetType type() {
        return TargetType.HTTP;
    }

    @Override
    public Target create(RegionTarget region, TargetContext context) {
        Duration timeout = RegionOptions.duration(region, "timeout", Duration.ofSeconds(10));
        return new HttpTarget(
                URI.create(region.url()),
                region.options().get("path"),
                timeout,
                clients.computeIfAbsent(timeout, HttpTarget::client),
                lanes);
    }

    /** Java 17's clients hold nothing to close: forgotten, their threads end once collected. */
    @Override
    public void close() {
        clients.clear();
        lanes.shutdown();
    }

    /**
     * Up to {@link #LANE_THREADS} daemon threads, each ending after 30 s idle, and no queue: a lane
     * that finds them all busy (or the factory closed) runs on the batch's own thread after the lanes
     * before it. A slow
     * upstream holding every thread never makes another namespace's lanes wait behind it; their
     * batches only overlap less.
     */
    private static ExecutorService lanes() {
        AtomicInteger count = new AtomicInteger();
        return new ThreadPoolExecutor(
                0,
                LANE_THREADS,
                30,
                TimeUnit.SECONDS,
                new SynchronousQueue<>(),
                r -> {
                    Thread t = new Thread(r, "http-target-lane-" + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                },
                // Not CallerRunsPolicy: once shut down it drops the task, and its batch would wait for ever.
                (task, pool) -> task.run());
    }
}
