package io.walgate.worker;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.walgate.support.config.ControllerFeedSettings;
import io.walgate.support.config.KafkaSettings;
import io.walgate.support.config.SettingNames;
import io.walgate.support.config.SqsSettings;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The worker's settings, all under {@code walgate.worker}; where the controller is and how to
 * authenticate to it ({@code controller-url}, {@code controller-token}, {@code controller-auth.*})
 * come from {@link ControllerFeedSettings}, shared with the gateway.
 */
@ConfigMapping(prefix = SettingNames.WORKER)
public interface WorkerConfig extends ControllerFeedSettings {

    /** The shard whose namespaces this worker delivers. */
    @WithDefault("default")
    String shard();

    /** The region whose endpoint of each namespace's target this worker applies to. */
    @WithName(SettingNames.REGION)
    @WithDefault("local")
    String region();

    @WithName(SettingNames.KAFKA)
    Kafka kafka();

    /**
     * The gateway's database, where large payloads (claim checks) and mutations' items are kept, e.g.
     * {@code jdbc:postgresql://127.0.0.1:5433/walgate_gateway?user=postgres}. Without it,
     * claim-checked entries and mutations cannot be applied and end in the DLQ after their retries.
     */
    @WithName(SettingNames.PAYLOAD_STORE_JDBC_URL)
    Optional<String> payloadStoreJdbcUrl();

    /**
     * The controller's database, where dead letters are indexed for operators (table {@code
     * dead_letters}), e.g. {@code jdbc:postgresql://127.0.0.1:5433/walgate_controller?user=postgres}.
     * Without it, dead letters are only in the DLQ until the controller's reindex finds them.
     */
    @WithName(SettingNames.DEAD_LETTER_INDEX_JDBC_URL)
    Optional<String> deadLetterIndexJdbcUrl();

    @WithName(SettingNames.SQS)
    Sqs sqs();

    /**
     * Where the secrets that specs name ({@code ${secret:orders-db}}) are read from when no {@code
     * WALGATE_SECRET_ORDERS_DB} variable is set: one file per secret, named like it.
     */
    @WithDefault("/run/secrets/walgate")
    String secretsFolder();

    /**
     * The other Walgates {@code wal} targets may present this worker's token to: {@code host},
     * {@code host:port} or {@code *.domain}. A {@code wal} target anywhere else gets no token (its
     * writes are refused there as unauthenticated): a spec must not be able to send the token,
     * which reads every spec on the change feed, to a host of its choosing.
     */
    Optional<List<String>> walTargetHosts();

    interface Sqs extends SqsSettings {
        /**
         * The long poll of each receive, in seconds (1..20): longer means fewer empty receives,
         * shorter a quicker stop.
         */
        @WithName(SettingNames.WAIT_SECONDS)
        @WithDefault("5")
        int waitSeconds();
    }

    interface Kafka extends KafkaSettings {
        /** Extra consumer and producer settings (security, fetch sizes). */
        Map<String, String> client();

        /** How many partitions of one namespace are applied side by side (1: one at a time). */
        @WithName(SettingNames.LANES)
        @WithDefault("4")
        int lanes();

        /** The threads that run those lanes, shared by every namespace (besides each one's own). */
        @WithName(SettingNames.APPLY_THREADS)
        @WithDefault("4")
        int applyThreads();

        /**
         * How many consumers the namespaces ordered {@code NONE} share (a namespace ordered {@code
         * KEY} has one of its own). A consumer runs only while a namespace of its share is served.
         */
        @WithName(SettingNames.CONSUMERS)
        @WithDefault("8")
        int consumers();
    }
}
