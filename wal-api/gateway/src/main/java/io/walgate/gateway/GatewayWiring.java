package io.walgate.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.walgate.adapter.kafka.KafkaAdapters;
import io.walgate.adapter.spi.LogAppender;
import io.walgate.adapter.sqs.SqsAdapters;
import io.walgate.client.NamespaceCache;
import io.walgate.contract.EntryId;
import io.walgate.contract.namespace.BackendType;
import io.walgate.gateway.core.MutationService;
import io.walgate.gateway.core.RateLimiter;
import io.walgate.gateway.core.WriteService;
import io.walgate.gateway.store.PgIdempotencyStore;
import io.walgate.gateway.store.PgMutationStore;
import io.walgate.gateway.store.PgPayloadStore;
import io.walgate.support.config.SettingNames;
import io.walgate.support.feed.NamespaceFeed;
import io.walgate.support.health.NamespaceCacheHealth;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.random.RandomGenerator;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.Readiness;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Builds the plain-Java write path from configuration; the only place that knows both sides. */
@ApplicationScoped
public class GatewayWiring {
    private final GatewayConfig config;
    private final Map<BackendType, LogAppender> appenders = new EnumMap<>(BackendType.class);
    private SqsClient sqs;
    private volatile boolean warm;

    GatewayWiring(GatewayConfig config) {
        this.config = config;
    }

    /**
     * Builds the write path (Kafka producer, SQS client) now, on the main thread, and warms it before
     * readiness says UP: built lazily, it was built by the first write, on an event loop, which it
     * blocked for seconds after every start while readiness already said UP.
     */
    void start(@Observes StartupEvent event, NamespaceFeed feed, WriteService writes) {
        feed.start();
        Thread warmUp = new Thread(this::warmUp, "walgate-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
        Log.infof("gateway serves shard '%s'; namespaces from %s", config.shard(), config.controllerUrl());
    }

    /** The gateway's namespace feed, started by {@link #start}; closed at shutdown. */
    @Produces
    @Singleton
    NamespaceFeed namespaceFeed(
            ObjectMapper json, @ConfigProperty(name = "quarkus.oidc.auth-server-url") Optional<String> issuer) {
        return new NamespaceFeed(config, SettingNames.GATEWAY, json, issuer);
    }

    void closeFeed(@Disposes NamespaceFeed feed) {
        feed.close();
    }

    @Produces
    @Singleton
    NamespaceCache namespaceCache(NamespaceFeed feed) {
        return feed.cache();
    }

    /** Ready once the namespace cache has read the feed through and the write path is warm. */
    @Produces
    @Readiness
    @Singleton
    HealthCheck namespaceCacheHealth(NamespaceFeed feed) {
        return new NamespaceCacheHealth(feed.cache()).and("writePathWarm", this::warm);
    }

    /** One round trip on each backend client, so that its first write does not pay for class loading. */
    private void warmUp() {
        long start = System.nanoTime();
        try {
            sqs.listQueues(b -> b.maxResults(1));
        } catch (RuntimeException e) {
            Log.debugf("SQS warm-up: %s", e.getMessage()); // loaded all the same; SQS may be down
        }
        warm = true;
        Log.infof(
                "write path built and warmed in %d ms; readiness may turn UP", (System.nanoTime() - start) / 1_000_000);
    }

    /** Whether the write path is built and warmed, for readiness. */
    boolean warm() {
        return warm;
    }

    void stop(@Observes ShutdownEvent event) {
        appenders.values().forEach(LogAppender::close);
        if (sqs != null) {
            sqs.close();
        }
    }

    /**
     * Dead idempotency keys, expired payloads and mutations go in small batches, once a {@code
     * purge-interval}, from every gateway.
     */
    void purgeExpired(@Observes StartupEvent event, Vertx vertx, Pool pool) {
        PgIdempotencyStore keys = new PgIdempotencyStore(pool);
        PgPayloadStore payloads = new PgPayloadStore(pool);
        PgMutationStore mutations = new PgMutationStore(pool);
        vertx.setPeriodic(config.purgeInterval().toMillis(), tick -> {
            purged("idempotency keys", keys.purge(10_000));
            // A released payload is kept a retention period more: a copy of its entry may be read again.
            purged("payloads", payloads.purge(1_000, config.payloadRetention()));
            // Never logged and expired: reclaimed, never applied. Applied everywhere: kept a retention.
            purged("mutations", mutations.purge(1_000, config.mutationRetention()));
        });
    }

    private static void purged(String what, CompletionStage<Integer> purge) {
        purge.whenComplete((n, e) -> {
            if (e != null) {
                Log.warnf("could not purge expired %s: %s", what, e.getMessage());
            } else if (n > 0) {
                Log.debugf("purged %d expired %s", n, what);
            }
        });
    }

    @Produces
    @Singleton
    MutationService mutationService(WriteService writes, Pool pool) {
        return new MutationService(
                writes,
                new PgMutationStore(pool),
                Clock.systemUTC(),
                RandomGenerator.getDefault(),
                config.mutationReclaimAfter(),
                config.haltAfterMutationStored()
                        .map(GatewayWiring::haltIfPresent)
                        .orElse(() -> {}));
    }

    /** The crash tests' fault: halts the JVM, once per file the test puts at {@code path}. */
    private static Runnable haltIfPresent(String path) {
        Log.warnf("crash-test fault armed: a new mutation halts this gateway while %s exists", path);
        return () -> {
            try {
                if (Files.deleteIfExists(Path.of(path))) {
                    Log.error("halting after storing a mutation, before its marker (test fault)");
                    Runtime.getRuntime().halt(137);
                }
            } catch (IOException e) {
                Log.warnf("crash-test fault: %s", e.getMessage());
            }
        };
    }

    @Produces
    @Singleton
    WriteService writeService(Pool pool, NamespaceCache cache) {
        Map<String, Object> producer = new HashMap<>(config.kafka().producer());
        producer.put("bootstrap.servers", config.kafka().bootstrapServers());
        appenders.put(BackendType.KAFKA, KafkaAdapters.appender(producer));
        GatewayConfig.Sqs settings = config.sqs();
        sqs = SqsAdapters.client(
                settings.endpoint().orElse(null),
                settings.region(),
                settings.accessKeyId(),
                settings.secretAccessKey());
        appenders.put(BackendType.SQS, SqsAdapters.appender(sqs, config.sqs().senders()));
        return new WriteService(
                cache,
                appenders,
                config.shard(),
                new RateLimiter(),
                config.maxInFlight(),
                config.maxInFlightBytes(),
                new EntryId.Generator(),
                Clock.systemUTC(),
                RandomGenerator.getDefault(),
                new PgIdempotencyStore(pool),
                config.idempotencyLease(),
                new PgPayloadStore(pool),
                config.payloadRetention());
    }
}
