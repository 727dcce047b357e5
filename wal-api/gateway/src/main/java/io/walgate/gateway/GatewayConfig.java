package io.walgate.gateway;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The gateway's settings, all under {@code walgate.gateway}. */
@ConfigMapping(prefix = "walgate.gateway")
public interface GatewayConfig {

    /** The shard this gateway serves; writes to other shards' namespaces get WRONG_SHARD. */
    @WithDefault("default")
    String shard();

    /** The namespace controller whose change feed fills the namespace cache. */
    @WithDefault("http://127.0.0.1:8081")
    URI controllerUrl();

    /** A fixed bearer token for the controller's feed; {@link #controllerAuth()} is usually better. */
    Optional<String> controllerToken();

    /** The gateway's own OIDC client, whose tokens read the controller's feed when auth is on. */
    ControllerAuth controllerAuth();

    interface ControllerAuth {
        /** The client id (Keycloak: a confidential client with a service account). */
        Optional<String> clientId();

        Optional<String> clientSecret();

        /** Defaults to Keycloak's token endpoint under {@code quarkus.oidc.auth-server-url}. */
        Optional<URI> tokenUrl();
    }

    /** Writes in flight across all namespaces before new ones are shed with OVERLOADED. */
    @WithDefault("10000")
    int maxInFlight();

    /**
     * Payload bytes of the writes in flight before new ones are shed with OVERLOADED: the heap a
     * flood of large writes may take (each is held, and copied, until its append is answered).
     */
    @WithDefault("268435456")
    long maxInFlightBytes();

    /** The most entries one batch call may carry. */
    @WithDefault("500")
    int maxBatchEntries();

    /**
     * How long an idempotency key may stay claimed by a write in flight before another gateway
     * assumes that write's gateway died and writes the entry again under its id. Longer than the
     * slowest append: the Kafka producer's {@code delivery.timeout.ms} plus one {@code
     * request.timeout.ms} for the re-send of an expired batch (30 + 10 s by default). Raise it with
     * those.
     */
    @WithDefault("PT1M")
    Duration idempotencyLease();

    /**
     * How long after an entry is due its payload is kept when it was too large for the log (a
     * claim check): long enough for every retry and for replays from the dead-letter queue.
     */
    @WithDefault("P14D")
    Duration payloadRetention();

    Kafka kafka();

    Sqs sqs();

    interface Kafka {
        @WithDefault("127.0.0.1:9092")
        String bootstrapServers();

        /** Extra producer settings (security, linger, compression); durability ones are fixed. */
        Map<String, String> producer();
    }

    interface Sqs {
        Optional<URI> endpoint();

        @WithDefault("us-east-1")
        String region();

        Optional<String> accessKeyId();

        Optional<String> secretAccessKey();

        /** Threads sending to SQS; each send holds one for its round trip. */
        @WithDefault("64")
        int senders();
    }
}
