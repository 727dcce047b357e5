package io.walgate.adapter.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.walgate.adapter.spi.LogProvisioner;
import io.walgate.adapter.spi.LogProvisionerContract;
import io.walgate.adapter.spi.LogResource;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.devstack.DevstackExtension;
import io.walgate.devstack.SqsServer;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

@ExtendWith(DevstackExtension.class)
class SqsLogProvisionerIT extends LogProvisionerContract {
    private static SqsClient sqs;
    private static LogProvisioner provisioner;

    @BeforeAll
    static void connect(SqsServer server) {
        sqs = SqsAdapters.client(
                URI.create(server.endpoint()),
                SqsServer.REGION,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("walgate", "walgate")));
        provisioner = SqsAdapters.provisioner(sqs);
    }

    @AfterAll
    static void disconnect() {
        provisioner.close();
        sqs.close();
    }

    @Override
    protected LogProvisioner provisioner() {
        return provisioner;
    }

    @Override
    protected Set<String> existingResources() {
        Set<String> names = new HashSet<>();
        for (String url : sqs.listQueues().queueUrls()) {
            names.add(url.substring(url.lastIndexOf('/') + 1));
        }
        return names;
    }

    @Override
    protected void removeBehindTheBack(String resource) {
        sqs.deleteQueue(
                b -> b.queueUrl(sqs.getQueueUrl(q -> q.queueName(resource)).queueUrl()));
    }

    @Override
    protected Optional<Duration> retentionOf(String resource) {
        String url = sqs.getQueueUrl(b -> b.queueName(resource)).queueUrl();
        String seconds = sqs.getQueueAttributes(
                        b -> b.queueUrl(url).attributeNames(QueueAttributeName.MESSAGE_RETENTION_PERIOD))
                .attributes()
                .get(QueueAttributeName.MESSAGE_RETENTION_PERIOD);
        assumeTrue(seconds != null, "this SQS (ElasticMQ) does not report MessageRetentionPeriod");
        return Optional.of(Duration.ofSeconds(Long.parseLong(seconds)));
    }

    @Test
    void bothQueuesKeepMessagesForSqsMaximumOfFourteenDaysAndSayItInTheirStatus() {
        NamespaceSpec ns = newNamespace();

        List<LogResource> made = provisioner.reconcile(ns);

        assertThat(provisioner.retention()).contains(Duration.ofDays(14));
        assertThat(made).hasSize(2);
        assumeTrue(
                made.get(0).attributes().containsKey("messageRetentionPeriod"),
                "this SQS (ElasticMQ) does not report MessageRetentionPeriod");
        assertThat(made).allSatisfy(r -> assertThat(r.attributes()).containsEntry("messageRetentionPeriod", "1209600"));
    }

    @Test
    void theMainQueueRedrivesToItsOwnDeadLetterQueue() {
        NamespaceSpec ns = newNamespace();

        List<LogResource> made = provisioner.reconcile(ns);

        LogResource dlq = made.stream()
                .filter(r -> r.role() == LogResource.Role.DEAD_LETTER)
                .findFirst()
                .orElseThrow();
        String mainUrl = sqs.getQueueUrl(b -> b.queueName(ns.backend().topic())).queueUrl();
        String redrive = sqs.getQueueAttributes(
                        b -> b.queueUrl(mainUrl).attributeNames(QueueAttributeName.REDRIVE_POLICY))
                .attributes()
                .get(QueueAttributeName.REDRIVE_POLICY);
        assertThat(redrive).contains(dlq.attributes().get("arn")).containsPattern("\"maxReceiveCount\"\\s*:\\s*\"?5");
        assertThat(dlq.name()).isEqualTo(ns.backend().topic() + "-dlq");
    }

    @Test
    void aRedrivePolicyChangedBehindTheBackIsRestored() {
        NamespaceSpec ns = newNamespace();
        List<LogResource> made = provisioner.reconcile(ns);
        String dlqArn = made.get(1).attributes().get("arn");
        String mainUrl = sqs.getQueueUrl(b -> b.queueName(ns.backend().topic())).queueUrl();
        String drifted = "{\"maxReceiveCount\":\"99\",\"deadLetterTargetArn\":\"" + dlqArn + "\"}";
        sqs.setQueueAttributes(b -> b.queueUrl(mainUrl).attributes(Map.of(QueueAttributeName.REDRIVE_POLICY, drifted)));

        List<LogResource> again = provisioner.reconcile(ns);

        assertThat(again.get(0).attributes().get("redrivePolicy"))
                .containsPattern("\"maxReceiveCount\"\\s*:\\s*\"?5\\b");
    }

    @Test
    void undeliveredCountsWaitingInFlightAndDelayedMessagesForTheOneRegion() {
        NamespaceSpec ns = newNamespace();
        provisioner.reconcile(ns);
        String url = sqs.getQueueUrl(b -> b.queueName(ns.backend().topic())).queueUrl();
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("waiting"));
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("in flight"));
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("delayed").delaySeconds(600));
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("delivered"));
        // Received and deleted: delivered. Received and not deleted: in flight, still to deliver.
        List<Message> taken = sqs.receiveMessage(
                        b -> b.queueUrl(url).maxNumberOfMessages(2).visibilityTimeout(600))
                .messages();
        assertThat(taken).hasSize(2);
        sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(taken.get(0).receiptHandle()));

        assertThat(provisioner.undelivered(ns)).containsExactlyEntriesOf(Map.of("local", 3L));
    }

    @Test
    void aNamespaceWithoutQueuesHasNothingUndelivered() {
        assertThat(provisioner.undelivered(newNamespace())).containsExactlyEntriesOf(Map.of("local", 0L));
    }
}
