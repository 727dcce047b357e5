package io.walgate.gateway.api;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.walgate.client.NamespaceCache;
import io.walgate.contract.Durability;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.WalException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Per-namespace write metrics: {@code walgate_gateway_writes_seconds{namespace,durable,code}} (a
 * latency histogram whose count is the number of writes by outcome) and {@code
 * walgate_gateway_write_bytes{namespace}}. Names of namespaces that do not exist are recorded as
 * {@code _unknown}, so a caller cannot grow the metrics without bound.
 */
@ApplicationScoped
class WriteMetrics {
    private final MeterRegistry registry;
    private final NamespaceCache namespaces;
    // Meters are looked up once per (namespace, outcome), not built on every write.
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, DistributionSummary> sizes = new ConcurrentHashMap<>();

    WriteMetrics(MeterRegistry registry, NamespaceCache namespaces) {
        this.registry = registry;
        this.namespaces = namespaces;
    }

    void record(String namespace, long startNanos, int bytes, Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        // A namespace the caller may not see is answered as missing, and counted as one too: the
        // metrics must not tell which names exist either.
        boolean unseen = e instanceof WalException w && w.code() == ErrorCode.NAMESPACE_NOT_FOUND;
        String ns = !unseen && namespaces.find(namespace).isPresent() ? namespace : "_unknown";
        String durable = e == null
                ? Durability.TRUE.name()
                : e instanceof WalException w ? w.durability().name() : Durability.UNKNOWN.name();
        String code = e == null ? "OK" : e instanceof WalException w ? w.code().name() : "INTERNAL";
        timers.computeIfAbsent(
                        ns + '\u0000' + durable + '\u0000' + code,
                        k -> Timer.builder("walgate.gateway.writes")
                                .description("Writes by namespace and outcome, with their latency")
                                .tag("namespace", ns)
                                .tag("durable", durable)
                                .tag("code", code)
                                .publishPercentileHistogram()
                                .minimumExpectedValue(Duration.ofMillis(1))
                                .maximumExpectedValue(Duration.ofSeconds(30))
                                .register(registry))
                .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
        if (e == null) {
            sizes.computeIfAbsent(
                            ns,
                            k -> DistributionSummary.builder("walgate.gateway.write.bytes")
                                    .description("Payload bytes of durable writes")
                                    .baseUnit("bytes")
                                    .tag("namespace", ns)
                                    .register(registry))
                    .record(bytes);
        }
    }
}
