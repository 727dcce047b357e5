package io.walgate.controller;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.walgate.support.config.KafkaSettings;
import io.walgate.support.config.SettingNames;
import io.walgate.support.config.SqsSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** The controller's settings, all under {@code walgate.controller}. */
@ConfigMapping(prefix = SettingNames.CONTROLLER)
public interface ControllerConfig {

    /** How often the reconciler looks for namespaces whose backend does not match yet. */
    @WithName(SettingNames.RECONCILE_INTERVAL)
    @WithDefault("PT2S")
    Duration reconcileInterval();

    /**
     * How long a deleted namespace keeps its topics or queues, so that gateways and workers see the
     * deletion on the change feed and stop serving it before its resources go.
     */
    @WithDefault("PT30S")
    Duration deleteGrace();

    /** The longest wait between two attempts to provision a namespace that failed. */
    @WithDefault("PT5M")
    Duration maxRetryBackoff();

    /** The longest a change-feed request may wait for a change. */
    @WithDefault("PT60S")
    Duration maxChangeWait();

    /** The role that may create, change and delete namespaces. */
    @WithDefault("walgate-admin")
    String adminRole();

    /**
     * The role that may follow the change feed (every namespace's spec, as gateways and workers
     * need it); the admin may too.
     */
    @WithDefault("walgate-feed")
    String feedRole();

    /**
     * The gateway's database, where payloads too large for the log are kept (claim checks), e.g.
     * {@code jdbc:postgresql://127.0.0.1:5433/walgate_gateway?user=postgres}: a dead letter shown
     * with its payload has it redeemed from there. Without it, such payloads are shown by reference.
     */
    @WithName(SettingNames.PAYLOAD_STORE_JDBC_URL)
    Optional<String> payloadStoreJdbcUrl();

    @WithName(SettingNames.KAFKA)
    Kafka kafka();

    /** Operators' replay jobs (docs/operations.md). */
    Replays replay();

    interface Replays {
        /** The highest rate a job may ask for, entries per second. */
        @WithDefault("5000")
        int maxRate();

        /** The rate of a job that asks for none, entries per second. */
        @WithDefault("50")
        int defaultRate();

        /**
         * How long a controller holds a job without renewing: after it died, another takes the job
         * over this long after its last batch.
         */
        @WithDefault("PT30S")
        Duration lease();

        /** How often a controller looks for jobs to run. */
        @WithDefault("PT1S")
        Duration pollInterval();

        /** Jobs one controller runs at once (of different namespaces; one per namespace). */
        @WithDefault("4")
        int maxRunning();
    }

    /** Where the queues of SQS namespaces are created. */
    @WithName(SettingNames.SQS)
    SqsSettings sqs();

    interface Kafka extends KafkaSettings {
        /** Extra Kafka admin client settings (security, timeouts). */
        Map<String, String> admin();

        /** Copies of each partition of a new topic; {@code min(3, brokers in the cluster)} when absent. */
        OptionalInt replicationFactor();

        /**
         * Copies that must hold an entry before the write is confirmed; {@code min(2, replication
         * factor)} when absent.
         */
        OptionalInt minInsyncReplicas();

        /**
         * How long the log and its delay tiers keep an entry (ISO-8601, or {@code -1} for forever).
         * A namespace whose waits exceed it is refused: its entries would be dropped unread.
         */
        @WithDefault("P7D")
        String retention();

        /** How long dead letters are kept (ISO-8601, or {@code -1} for forever). */
        @WithDefault("P30D")
        String deadLetterRetention();
    }
}
