package io.walgate.worker;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/** The worker's settings, all under {@code walgate.worker}. */
@ConfigMapping(prefix = "walgate.worker")
public interface WorkerConfig {

    /** The shard whose namespaces this worker delivers. */
    @WithDefault("default")
    String shard();

    /** The region whose endpoint of each namespace's target this worker applies to. */
    @WithDefault("local")
    String region();

    @WithDefault("http://127.0.0.1:8081")
    URI controllerUrl();

    /** A fixed bearer token for the controller's feed; {@link #controllerAuth()} is usually better. */
    Optional<String> controllerToken();

    ControllerAuth controllerAuth();

    Kafka kafka();

    /**
     * The gateway's database, where large payloads are kept (claim checks), e.g. {@code
     * jdbc:postgresql://127.0.0.1:5433/walgate_gateway?user=postgres}. Without it, claim-checked
     * entries cannot be applied and end in the DLQ after their retries.
     */
    Optional<String> payloadStoreJdbcUrl();

    Sqs sqs();

    interface Sqs {
        /** An explicit endpoint (ElasticMQ, a VPC endpoint); AWS's own when absent. */
        Optional<URI> endpoint();

        @WithDefault("us-east-1")
        String region();

        /** Static credentials; the AWS default chain (environment, profile, role) when absent. */
        Optional<String> accessKeyId();

        Optional<String> secretAccessKey();

        /**
         * The long poll of each receive, in seconds (1..20): longer means fewer empty receives,
         * shorter a quicker stop.
         */
        @WithDefault("5")
        int waitSeconds();
    }

    interface ControllerAuth {
        Optional<String> clientId();

        Optional<String> clientSecret();

        Optional<URI> tokenUrl();
    }

    interface Kafka {
        @WithDefault("127.0.0.1:9092")
        String bootstrapServers();

        /** Extra consumer and producer settings (security, fetch sizes). */
        Map<String, String> client();
    }
}
