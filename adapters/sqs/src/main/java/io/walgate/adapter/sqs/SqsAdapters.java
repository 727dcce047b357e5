package io.walgate.adapter.sqs;

import io.walgate.adapter.spi.LogAppender;
import io.walgate.adapter.spi.LogProvisioner;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
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
