package io.walgate.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.walgate.adapter.sqs.SqsAdapters;
import io.walgate.consumers.engine.PayloadStore;
import io.walgate.contract.feed.ChangeFeedFollower;
import io.walgate.contract.feed.ClientCredentials;
import io.walgate.contract.feed.NamespaceCache;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** Follows the controller's feed and keeps one delivery running per namespace served. */
@ApplicationScoped
public class WorkerWiring {
    private final WorkerConfig config;
    private final NamespaceCache cache = new NamespaceCache();
    private ChangeFeedFollower follower;
    private Subscriptions subscriptions;
    private Deliveries deliveries;

    WorkerWiring(WorkerConfig config) {
        this.config = config;
    }

    @Produces
    @Singleton
    NamespaceCache namespaceCache() {
        return cache;
    }

    void start(
            @Observes StartupEvent event,
            ObjectMapper json,
            DeliveryMetrics metrics,
            @ConfigProperty(name = "quarkus.oidc.auth-server-url") Optional<String> issuer) {
        Supplier<Optional<String>> token = controllerToken(json, issuer);
        Map<String, Object> kafka = new HashMap<>(config.kafka().client());
        kafka.put("bootstrap.servers", config.kafka().bootstrapServers());
        WorkerConfig.Sqs sqs = config.sqs();
        var credentials = sqs.accessKeyId().isPresent()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        sqs.accessKeyId().get(), sqs.secretAccessKey().orElse("")))
                : DefaultCredentialsProvider.builder().build();
        deliveries = new Deliveries(
                config.region(),
                kafka,
                SqsAdapters.client(sqs.endpoint().orElse(null), sqs.region(), credentials),
                sqs.waitSeconds(),
                () -> config.payloadStoreJdbcUrl().map(PayloadStore::new).orElse(null),
                metrics,
                token);
        subscriptions = new Subscriptions(config.shard(), config.region(), deliveries::create);
        cache.addListener(subscriptions::changed);
        follower = new ChangeFeedFollower(config.controllerUrl(), cache, json, token);
        follower.start();
        Log.infof(
                "worker serves shard '%s' in region '%s'; namespaces from %s",
                config.shard(), config.region(), config.controllerUrl());
    }

    void stop(@Observes ShutdownEvent event) {
        if (follower != null) {
            follower.close();
        }
        if (subscriptions != null) {
            subscriptions.close(); // deliveries finish the entry in hand; the rest stays uncommitted
        }
        if (deliveries != null) {
            deliveries.close();
        }
    }

    private Supplier<Optional<String>> controllerToken(ObjectMapper json, Optional<String> issuer) {
        WorkerConfig.ControllerAuth auth = config.controllerAuth();
        return ClientCredentials.forFeed(
                config.controllerToken(),
                auth.clientId(),
                auth.clientSecret(),
                auth.tokenUrl(),
                issuer,
                json,
                "walgate.worker.controller-auth");
    }
}
