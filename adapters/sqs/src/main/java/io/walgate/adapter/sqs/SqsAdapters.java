package io.walgate.adapter.sqs;

import io.walgate.adapter.spi.LogAppender;
import io.walgate.adapter.spi.LogProvisioner;
import io.walgate.adapter.spi.LogReader;
import io.walgate.adapter.sqs.read.SqsLogReader;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Entry point of the SQS backend: builds its SPI implementations and their client. */
public final class SqsAdapters {
    private SqsAdapters() {}

    /** A provisioner using {@code client}; closing the provisioner does not close the client. */
    public static LogProvisioner provisioner(SqsClient client) {
        return new SqsLogProvisioner(client);
    }

    /**
     * An appender using {@code client} from {@code senders} threads (each send holds one thread for
     * its round trip). Closing the appender waits for sends in flight; it does not close the client.
     */
    public static LogAppender appender(SqsClient client, int senders) {
        return appender(client, senders, Duration.ofSeconds(30));
    }

    /**
     * A reader delivering namespaces' queues through {@code client}, long-polling each receive for
     * {@code waitSeconds} (1..20). It owns an appender for retries, closed with it; the client is
     * not closed.
     */
    public static LogReader reader(SqsClient client, int waitSeconds) {
        return new SqsLogReader(client, appender(client, 4), Clock.systemUTC(), waitSeconds);
    }

    /** As {@link #appender(SqsClient, int)}, with how long {@code close()} waits for sends in flight. */
    public static LogAppender appender(SqsClient client, int senders, Duration closeTimeout) {
        return new SqsLogAppender(
                client,
                Executors.newFixedThreadPool(senders, r -> {
                    Thread t = new Thread(r, "walgate-sqs-sender");
                    t.setDaemon(true);
                    return t;
                }),
                Clock.systemUTC(),
                closeTimeout);
    }

    /**
     * The SQS client of a service, from its settings: static credentials when both an access key id
     * and its secret are set, else the AWS default chain (environment, profile, instance or task
     * role). The one place a service chooses SQS credentials; {@code null} endpoint means AWS's.
     *
     * @throws IllegalArgumentException when only one of the two keys is set (the SDK refuses a blank
     *     secret, and falling back to the default chain would ignore the key the operator gave)
     */
    public static SqsClient client(
            URI endpoint, String region, Optional<String> accessKeyId, Optional<String> secretAccessKey) {
        return client(endpoint, region, credentials(accessKeyId, secretAccessKey));
    }

    static AwsCredentialsProvider credentials(Optional<String> accessKeyId, Optional<String> secretAccessKey) {
        if (accessKeyId.isPresent() != secretAccessKey.isPresent()) {
            throw new IllegalArgumentException("SQS access-key-id and secret-access-key go together: set both"
                    + " for static credentials, or neither for the AWS default chain");
        }
        if (accessKeyId.isPresent()) {
            return StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(accessKeyId.get(), secretAccessKey.get()));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    /**
     * An SQS client on the JDK's own HTTP stack (the only HTTP client this module ships), for an
     * explicit endpoint such as ElasticMQ or a VPC endpoint; {@code null} endpoint means AWS's.
     */
    public static SqsClient client(URI endpoint, String region, AwsCredentialsProvider credentials) {
        var builder = SqsClient.builder()
                .region(Region.of(region))
                .credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(30)))
                .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(40)));
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder.build();
    }
}
