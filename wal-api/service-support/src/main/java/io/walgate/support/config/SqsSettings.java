package io.walgate.support.config;

import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.net.URI;
import java.util.Optional;

/**
 * Where SQS is and how to sign in to it ({@code <service>.sqs.*}): what the controller, the gateway
 * and the worker all need to build their SQS client ({@code SqsAdapters.client}). Services extend it
 * with settings of their own (the gateway's senders, the worker's long poll).
 */
public interface SqsSettings {
    /** An explicit endpoint (ElasticMQ, a VPC endpoint); AWS's own when absent. */
    @WithName(SettingNames.ENDPOINT)
    Optional<URI> endpoint();

    @WithName(SettingNames.REGION)
    @WithDefault("us-east-1")
    String region();

    /** Static credentials; the AWS default chain (environment, profile, role) when absent. */
    @WithName(SettingNames.ACCESS_KEY_ID)
    Optional<String> accessKeyId();

    @WithName(SettingNames.SECRET_ACCESS_KEY)
    Optional<String> secretAccessKey();
}
