package io.walgate.adapter.sqs.read;

import static org.awaitility.Awaitility.await;

import io.walgate.adapter.spi.DeliveryContract;
import io.walgate.adapter.spi.LogAppender;
import io.walgate.adapter.spi.LogProvisioner;
import io.walgate.adapter.spi.LogReader;
import io.walgate.adapter.sqs.SqsAdapters;
import io.walgate.contract.entry.EnvelopeCodec;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.devstack.Component;
import io.walgate.devstack.Devstack;
import io.walgate.devstack.SqsServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

class SqsLogReaderContractIT extends DeliveryContract {
    private static Devstack devstack;
    private static SqsClient sqs;
    private static LogReader reader;
    private static LogAppender appender;
    private static LogProvisioner provisioner;

    @BeforeAll
    static void start() {
        devstack = Devstack.builder(Path.of("target", "devstack-reader"))
                .with(Component.SQS)
                .randomPorts()
                .fresh()
                .build();
        devstack.start();
        sqs = SqsAdapters.client(
                URI.create(devstack.sqs().endpoint()),
                SqsServer.REGION,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("walgate", "walgate")));
        reader = SqsAdapters.reader(sqs, 1);
        appender = SqsAdapters.appender(sqs, 4);
        provisioner = SqsAdapters.provisioner(sqs);
    }

    @AfterAll
    static void stop() {
        reader.close();
        appender.close();
        sqs.close();
        devstack.close();
    }

    @Override
    protected LogReader reader() {
        return reader;
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
    protected void appendRaw(NamespaceSpec namespace, byte[] bytes) {
        String url =
                sqs.getQueueUrl(b -> b.queueName(namespace.backend().topic())).queueUrl();
        sqs.sendMessage(b -> b.queueUrl(url).messageBody(new String(bytes, StandardCharsets.UTF_8)));
    }

    @Override
    protected List<DeadLetter> readDeadLetters(NamespaceSpec namespace, int count, Duration timeout) {
        String dlq = sqs.getQueueUrl(b -> b.queueName(namespace.backend().topic() + "-dlq"))
                .queueUrl();
        Map<String, Message> seen = new HashMap<>();
        await().atMost(timeout).until(() -> {
            sqs.receiveMessage(b -> b.queueUrl(dlq)
                            .maxNumberOfMessages(10)
                            .waitTimeSeconds(1)
                            .visibilityTimeout(0) // peek: they stay in the DLQ
                            .messageAttributeNames("All"))
                    .messages()
                    .forEach(m -> seen.put(m.messageId(), m));
            return seen.size() >= count;
        });
        List<DeadLetter> dead = new ArrayList<>();
        for (Message m : seen.values()) {
            Map<String, String> headers = new HashMap<>();
            m.messageAttributes().forEach((k, v) -> headers.put(k, v.stringValue()));
            dead.add(new DeadLetter(
                    headers.containsKey("walgate-entry-id")
                            ? EnvelopeCodec.decode(Base64.getDecoder().decode(m.body()))
                            : null,
                    headers));
        }
        return dead;
    }
}
