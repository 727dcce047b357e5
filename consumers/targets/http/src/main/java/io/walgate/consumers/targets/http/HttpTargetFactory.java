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

/**
 * Makes {@link HttpTarget}s: {@code http(s)://…}; option {@code timeout} (default 10 s). Its targets
 * share one {@link HttpClient} per timeout (each client keeps a selector thread and a connection
 * pool): a worker with 500 HTTP namespaces runs a few clients, not 500.
 */
public final class HttpTargetFactory implements TargetFactory {
    private final Map<Duration, HttpClient> clients = new ConcurrentHashMap<>();

    @Override
    public TargetType type() {
        return TargetType.HTTP;
    }

    @Override
    public Target create(RegionTarget region, TargetContext context) {
        Duration timeout = RegionOptions.duration(region, "timeout", Duration.ofSeconds(10));
        return new HttpTarget(URI.create(region.url()), timeout, clients.computeIfAbsent(timeout, HttpTarget::client));
    }

    /** Java 17's clients hold nothing to close: forgotten, their threads end once collected. */
    @Override
    public void close() {
        clients.clear();
    }
}
