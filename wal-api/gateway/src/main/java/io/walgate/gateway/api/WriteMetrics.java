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
        Outcome o = outcome(namespace, error);
        String ns = o.namespace();
        timer("walgate.gateway.writes", "Writes by namespace and outcome, with their latency", o)
                .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
        Throwable e = o.error();
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

    /**
     * One {@code MutateItems} call: {@code walgate_gateway_mutations_seconds{namespace,durable,code}}
     * and, when durable, {@code walgate_gateway_mutation_items{namespace}}.
     */
    void recordMutation(String namespace, long startNanos, int items, Throwable error) {
        Outcome o = outcome(namespace, error);
        timer("walgate.gateway.mutations", "Mutations by namespace and outcome, with their latency", o)
                .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
        if (o.error() == null) {
            sizes.computeIfAbsent(
                            "mutation\u0000" + o.namespace(),
                            k -> DistributionSummary.builder("walgate.gateway.mutation.items")
                                    .description("Items of durable mutations")
                                    .tag("namespace", o.namespace())
                                    .register(registry))
                    .record(items);
        }
    }

    private record Outcome(String namespace, String durable, String code, Throwable error) {}

    private Outcome outcome(String namespace, Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        // A namespace the caller may not see is answered as missing, and counted as one too: the
        // metrics must not tell which names exist either.
        boolean unseen = e instanceof WalException w && w.code() == ErrorCode.NAMESPACE_NOT_FOUND;
        String ns = !unseen && namespaces.find(namespace).isPresent() ? namespace : "_unknown";
        String durable = e == null
                ? Durability.TRUE.name()
                : e instanceof WalException w ? w.durability().name() : Durability.UNKNOWN.name();
        String code = e == null ? "OK" : e instanceof WalException w ? w.code().name() : "INTERNAL";
        return new Outcome(ns, durable, code, e);
    }

    private Timer timer(String name, String description, Outcome o) {
        return timers.computeIfAbsent(
                name + '\u0000' + o.namespace() + '\u0000' + o.durable() + '\u0000' + o.code(),
                k -> Timer.builder(name)
                        .description(description)
                        .tag("namespace", o.namespace())
                        .tag("durable", o.durable())
                        .tag("code", o.code())
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(1))
                        .maximumExpectedValue(Duration.ofSeconds(30))
                        .register(registry));
    }
}
