package io.walgate.adapter.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walgate.adapter.spi.AppendException;
import io.walgate.adapter.spi.LogAppender;
import io.walgate.adapter.spi.LogAppenderContract;
import io.walgate.adapter.spi.LogProvisioner;
import io.walgate.contract.Durability;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.EnvelopeCodec;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.devstack.Component;
import io.walgate.devstack.Devstack;
import io.walgate.devstack.SqsServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

class SqsLogAppenderIT extends LogAppenderContract {
    private static Devstack devstack;
    private static SqsClient sqs;
    private static LogAppender appender;
    private static LogProvisioner provisioner;

    @BeforeAll
    static void start() {
        devstack = Devstack.builder(Path.of("target", "devstack-appender"))
                .with(Component.SQS)
                .randomPorts()
                .fresh()
                .build();
        devstack.start();
        sqs = SqsAdapters.client(
                URI.create(devstack.sqs().endpoint()),
                SqsServer.REGION,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("walgate", "walgate")));
        appender = SqsAdapters.appender(sqs, 16);
        provisioner = SqsAdapters.provisioner(sqs);
    }

    @AfterAll
    static void stop() {
        appender.close();
        sqs.close();
        devstack.close();
    }

    @Override
    protected LogAppender appender() {
        return appender;
    }

    @Override
    protected LogProvisioner provisioner() {
        return provisioner;
    }

    @Override
    protected void killBackend() {
        devstack.sqs().kill();
    }

    @Override
    protected void startBackend() {
        devstack.sqs().start();
    }

    @Override
    protected LogAppender newAppender(Duration closeTimeout) {
        return SqsAdapters.appender(sqs, 4, closeTimeout);
    }

    @Override
    protected long backendPid() {
        return devstack.sqs().pid().orElseThrow();
    }

    @Override
    protected List<Envelope> readLog(NamespaceSpec namespace, int count, Duration timeout) {
        String url =
                sqs.getQueueUrl(b -> b.queueName(namespace.backend().topic())).queueUrl();
        List<Envelope> read = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (read.size() < count && System.nanoTime() < deadline) {
            for (Message m : sqs.receiveMessage(
                            b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1))
                    .messages()) {
                read.add(EnvelopeCodec.decode(Base64.getDecoder().decode(m.body())));
                sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
            }
        }
        return read;
    }

    @Test
    void aDelayedEntryIsInvisibleUntilItIsDue() throws Exception {
        NamespaceSpec ns = provisionedNamespace();
        Envelope e = entry(ns, "k", "later");
        Envelope delayed = new Envelope(
                e.id(),
                e.namespace(),
                1,
                Instant.now().plusSeconds(3),
                e.acceptedAt(),
                null,
                e.partitionKey(),
                null,
                e.contentType(),
                null,
                e.headers(),
                e.target(),
                e.payload());

        await(appender.append(ns, delayed));

        String url = sqs.getQueueUrl(b -> b.queueName(ns.backend().topic())).queueUrl();
        assertThat(sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(0)).messages())
                .isEmpty();
        assertThat(readLog(ns, 1, Duration.ofSeconds(20))).containsExactly(delayed);
    }

    @Test
    void anEntryTooLargeForAnSqsMessageIsRefusedAndNotWritten() {
        NamespaceSpec ns = provisionedNamespace();
        Envelope e = entry(ns, "k", "x".repeat(300 * 1024));

        assertThatThrownBy(() -> await(appender.append(ns, e)))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(AppendException.class)
                .satisfies(x -> {
                    assertThat(((AppendException) x).code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
                    assertThat(((AppendException) x).durability()).isEqualTo(Durability.FALSE);
                });
    }
}
