package io.walgate.support.config;

/**
 * The names of the services' settings that something outside the service spells too (the devstack
 * points the services at its servers with them): one constant each, used by the services'
 * {@code @ConfigMapping(prefix = …)} and {@code @WithName(…)} and by the devstack, so that renaming
 * one fails compilation instead of a test run.
 *
 * <p>Guarantees:
 *
 * <ol>
 *   <li>Imports nothing outside the JDK: the devstack depends on this library without any of its
 *       dependencies (Quarkus, Jackson), for this class alone.
 *   <li>A full key is a service prefix, optionally a group, then a property, joined by {@link
 *       #key(String...)}: {@code key(GATEWAY, KAFKA, BOOTSTRAP_SERVERS)} is {@code
 *       walgate.gateway.kafka.bootstrap-servers}.
 *   <li>Only names: defaults and meanings stay on the services' config interfaces.
 * </ol>
 */
public final class SettingNames {
    /** The namespace controller's settings. */
    public static final String CONTROLLER = "walgate.controller";
    /** The gateway's settings. */
    public static final String GATEWAY = "walgate.gateway";
    /** The delivery worker's settings. */
    public static final String WORKER = "walgate.worker";
    /** Whether the services check bearer tokens (read by {@code quarkus.oidc.tenant-enabled}). */
    public static final String AUTH_ENABLED = "walgate.auth.enabled";

    /** Group: Kafka ({@link KafkaSettings}). */
    public static final String KAFKA = "kafka";
    /** Group: SQS ({@link SqsSettings}). */
    public static final String SQS = "sqs";
    /** Group: the service's own OIDC client for the controller ({@link ControllerAuthSettings}). */
    public static final String CONTROLLER_AUTH = "controller-auth";

    public static final String BOOTSTRAP_SERVERS = "bootstrap-servers";
    public static final String ENDPOINT = "endpoint";
    public static final String REGION = "region";
    public static final String ACCESS_KEY_ID = "access-key-id";
    public static final String SECRET_ACCESS_KEY = "secret-access-key";
    public static final String CLIENT_ID = "client-id";
    public static final String CLIENT_SECRET = "client-secret";
    public static final String TOKEN_URL = "token-url";
    public static final String CONTROLLER_URL = "controller-url";
    public static final String CONTROLLER_TOKEN = "controller-token";
    public static final String PAYLOAD_STORE_JDBC_URL = "payload-store-jdbc-url";
    /** The worker's dead-letter index: the controller's database. */
    public static final String DEAD_LETTER_INDEX_JDBC_URL = "dead-letter-index-jdbc-url";
    /** The controller's reconcile round. */
    public static final String RECONCILE_INTERVAL = "reconcile-interval";
    /** The worker's SQS long poll. */
    public static final String WAIT_SECONDS = "wait-seconds";
    /** The worker's Kafka partitions applied side by side per namespace, and the threads for them. */
    public static final String LANES = "lanes";

    public static final String APPLY_THREADS = "apply-threads";
    /** The worker's Kafka consumers shared by namespaces. */
    public static final String CONSUMERS = "consumers";

    private SettingNames() {}

    /** The full key of {@code parts}: a prefix, groups and a property, dot-separated. */
    public static String key(String... parts) {
        return String.join(".", parts);
    }
}
