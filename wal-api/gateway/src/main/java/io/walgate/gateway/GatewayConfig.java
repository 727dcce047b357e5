package io.walgate.gateway;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.walgate.support.config.ControllerFeedSettings;
import io.walgate.support.config.KafkaSettings;
import io.walgate.support.config.SettingNames;
import io.walgate.support.config.SqsSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The gateway's settings, all under {@code walgate.gateway}; where the controller is and how to
 * authenticate to it ({@code controller-url}, {@code controller-token}, {@code controller-auth.*})
 * come from {@link ControllerFeedSettings}, shared with the worker.
 */
@ConfigMapping(prefix = SettingNames.GATEWAY)
public interface GatewayConfig extends ControllerFeedSettings {

    /** The shard this gateway serves; writes to other shards' namespaces get WRONG_SHARD. */
    @WithDefault("default")
    String shard();

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

    /**
     * How long after it is due a mutation whose marker is not known to be in the log (its gateway
     * died between storing the items and appending the marker, or the append ended UNKNOWN and was
     * never repeated) is kept before it is reclaimed, never applied. A repeat with the same
     * idempotency key before then completes it.
     */
    @WithDefault("P1D")
    Duration mutationReclaimAfter();

    /**
     * For crash tests only: when the file at this path exists, the next new mutation deletes it and
     * halts the gateway (as {@code kill -9} would) after its items are stored and before its marker
     * is appended. Unset in production.
     */
    @WithName("test-faults.halt-after-mutation-stored")
    Optional<String> haltAfterMutationStored();

    /** How often expired idempotency keys, payloads and mutations are purged. */
    @WithDefault("PT1M")
    Duration purgeInterval();

    /** How long a mutation every region applied is kept, for its status and its idempotency key. */
    @WithDefault("P7D")
    Duration mutationRetention();

    @WithName(SettingNames.KAFKA)
    Kafka kafka();

    @WithName(SettingNames.SQS)
    Sqs sqs();

    interface Kafka extends KafkaSettings {
        /** Extra producer settings (security, linger, compression); durability ones are fixed. */
        Map<String, String> producer();
    }

    interface Sqs extends SqsSettings {
        /** Threads sending to SQS; each send holds one for its round trip. */
        @WithDefault("64")
        int senders();
    }
}
