package io.walgate.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.walgate.adapter.sqs.SqsAdapters;
import io.walgate.client.NamespaceCache;
import io.walgate.consumers.engine.DeadLetterIndex;
import io.walgate.consumers.engine.PayloadStore;
import io.walgate.consumers.engine.PgMutationLedger;
import io.walgate.consumers.targets.TargetRegistry;
import io.walgate.consumers.targets.WorkerSecrets;
import io.walgate.support.config.SettingNames;
import io.walgate.support.feed.NamespaceFeed;
import io.walgate.support.health.NamespaceCacheHealth;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.Readiness;

/** Follows the controller's feed and keeps one delivery running per namespace served. */
@ApplicationScoped
public class WorkerWiring {
    private final WorkerConfig config;
    private Subscriptions subscriptions;
    private Deliveries deliveries;

    WorkerWiring(WorkerConfig config) {
        this.config = config;
    }

    /** The worker's namespace feed, started by {@link #start} once its listener is in; closed at shutdown. */
    @Produces
    @Singleton
    NamespaceFeed namespaceFeed(
            ObjectMapper json, @ConfigProperty(name = "quarkus.oidc.auth-server-url") Optional<String> issuer) {
        return new NamespaceFeed(config, SettingNames.WORKER, json, issuer);
    }

    void closeFeed(@Disposes NamespaceFeed feed) {
        feed.close();
    }

    @Produces
    @Singleton
    NamespaceCache namespaceCache(NamespaceFeed feed) {
        return feed.cache();
    }

    /** Ready once the namespace cache has read the controller's feed through. */
    @Produces
    @Readiness
    @Singleton
    HealthCheck namespaceCacheHealth(NamespaceFeed feed) {
        return new NamespaceCacheHealth(feed.cache());
    }

    void start(@Observes StartupEvent event, NamespaceFeed feed, DeliveryMetrics metrics, MeterRegistry registry) {
        Map<String, Object> kafka = new HashMap<>(config.kafka().client());
        kafka.put("bootstrap.servers", config.kafka().bootstrapServers());
        WorkerConfig.Sqs sqs = config.sqs();
        deliveries = new Deliveries(
                config.region(),
                kafka,
                config.kafka(),
                SqsAdapters.client(sqs.endpoint().orElse(null), sqs.region(), sqs.accessKeyId(), sqs.secretAccessKey()),
                sqs.waitSeconds(),
                () -> config.payloadStoreJdbcUrl().map(PayloadStore::new).orElse(null),
                () -> config.payloadStoreJdbcUrl().map(PgMutationLedger::new).orElse(null),
                deadLetterIndex(registry),
                metrics,
                // Fails the worker's start when a target type has no factory on the class path.
                TargetRegistry.load(new WorkerSecrets(System.getenv(), Path.of(config.secretsFolder()))),
                new TargetContexts(
                        config.region(),
                        feed.token(),
                        new TokenHosts(config.walTargetHosts().orElse(List.of())),
                        feed.cache()));
        subscriptions = new Subscriptions(
                config.shard(), config.region(), deliveries::start, ns -> metrics.forget(ns, config.region()));
        // Before the feed starts, so that the subscriptions hear every namespace from version 0.
        feed.cache().addListener(subscriptions::changed);
        feed.start();
        Log.infof(
                "worker serves shard '%s' in region '%s'; namespaces from %s",
                config.shard(), config.region(), config.controllerUrl());
    }

    /**
     * The dead-letter index, with {@code walgate_dead_letter_index_failures_total}: letters that are
     * in a DLQ but could not be recorded (the controller's reindex finds them).
     */
    private DeadLetterIndex deadLetterIndex(MeterRegistry registry) {
        if (config.deadLetterIndexJdbcUrl().isEmpty()) {
            Log.warnf(
                    "walgate.worker.%s is not set: dead letters are not indexed, operators find them only"
                            + " after the controller's reindex",
                    SettingNames.DEAD_LETTER_INDEX_JDBC_URL);
            return null;
        }
        DeadLetterIndex index =
                new DeadLetterIndex(config.deadLetterIndexJdbcUrl().get());
        FunctionCounter.builder("walgate_dead_letter_index_failures", index, DeadLetterIndex::failures)
                .description("dead letters in a DLQ that could not be recorded in the index")
                .register(registry);
        return index;
    }

    void stop(@Observes ShutdownEvent event, NamespaceFeed feed) {
        feed.close(); // first: a change heard after the subscriptions closed would start a delivery again
        if (subscriptions != null) {
            subscriptions.close(); // deliveries finish the entry in hand; the rest stays uncommitted
        }
        if (deliveries != null) {
            deliveries.close();
        }
    }
}
