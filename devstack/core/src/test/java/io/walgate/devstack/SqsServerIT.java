package io.walgate.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The devstack's SQS is real enough for Walgate: delays, visibility, redrive to a DLQ. */
@ExtendWith(DevstackExtension.class)
class SqsServerIT {
    private SqsClient sqs;

    @BeforeEach
    void connect(SqsServer server) {
        sqs = SqsClient.builder()
                .endpointOverride(URI.create(server.endpoint()))
                .region(Region.of(SqsServer.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("walgate", "walgate")))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
    }

    @AfterEach
    void close() {
        sqs.close();
    }

    @Test
    void aDelayedMessageIsInvisibleUntilItIsDueAndThenDelivered() {
        String queue = sqs.createQueue(b -> b.queueName("delayed")).queueUrl();

        sqs.sendMessage(b -> b.queueUrl(queue).messageBody("later").delaySeconds(2));

        assertThat(sqs.receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(0)).messages())
                .as("not visible before its delay")
                .isEmpty();
        List<Message> due =
                sqs.receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(10)).messages();
        assertThat(due).extracting(Message::body).containsExactly("later");
    }

    @Test
    void aMessageReceivedMoreThanMaxReceiveCountTimesMovesToTheDeadLetterQueue() {
        String dlq = sqs.createQueue(b -> b.queueName("orders-dlq")).queueUrl();
        String dlqArn = sqs.getQueueAttributes(b -> b.queueUrl(dlq).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes()
                .get(QueueAttributeName.QUEUE_ARN);
        String main = sqs.createQueue(b -> b.queueName("orders")
                        .attributes(Map.of(
                                QueueAttributeName.VISIBILITY_TIMEOUT,
                                "1",
                                QueueAttributeName.REDRIVE_POLICY,
                                "{\"maxReceiveCount\":\"2\",\"deadLetterTargetArn\":\"" + dlqArn + "\"}")))
                .queueUrl();

        sqs.sendMessage(b -> b.queueUrl(main).messageBody("poison"));
        int receives = 0;
        for (int i = 0; i < 10 && receives < 2; i++) {
            // Received and never deleted: a consumer that fails every time.
            receives += sqs.receiveMessage(b -> b.queueUrl(main).waitTimeSeconds(3))
                    .messages()
                    .size();
        }
        assertThat(receives).isEqualTo(2);

        List<Message> dead = List.of();
        for (int i = 0; i < 5 && dead.isEmpty(); i++) {
            // The move happens on the receive after the last allowed one.
            sqs.receiveMessage(b -> b.queueUrl(main).waitTimeSeconds(2));
            dead = sqs.receiveMessage(b -> b.queueUrl(dlq).waitTimeSeconds(1)).messages();
        }
        assertThat(dead).extracting(Message::body).containsExactly("poison");
        assertThat(sqs.receiveMessage(b -> b.queueUrl(main).waitTimeSeconds(2)).messages())
                .as("gone from the main queue")
                .isEmpty();
    }
}
