package io.walgate.adapter.sqs;

import io.walgate.adapter.spi.LogProvisioner;
import io.walgate.adapter.spi.LogResource;
import io.walgate.adapter.spi.ProvisioningException;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.ResourceNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * A namespace on SQS is its main queue and a {@code -dlq} queue, joined by a redrive policy.
 *
 * <p>Walgate's workers dead-letter entries themselves, with their history, once retries run out.
 * The redrive policy is the safety net under that: a message that keeps coming back without being
 * handled (a worker crashing on it) moves to the DLQ after {@value #MAX_RECEIVE_COUNT} receives
 * instead of blocking the queue forever. Both queues keep messages for SQS's maximum of 14 days.
 */
final class SqsLogProvisioner implements LogProvisioner {
    static final int MAX_RECEIVE_COUNT = 5;
    static final Duration RETENTION = Duration.ofDays(14);
    static final String RETENTION_SECONDS = Long.toString(RETENTION.toSeconds());
    static final String VISIBILITY_TIMEOUT_SECONDS = "30";

    private final SqsClient sqs;

    SqsLogProvisioner(SqsClient sqs) {
        this.sqs = sqs;
    }

    @Override
    public BackendType backend() {
        return BackendType.SQS;
    }

    /** SQS's maximum, set on both queues. */
    @Override
    public Optional<Duration> retention() {
        return Optional.of(RETENTION);
    }

    @Override
    public List<LogResource> plan(NamespaceSpec namespace) {
        String queue = namespace.backend().topic();
        return List.of(
                new LogResource(
                        queue, LogResource.Role.LOG, Map.of("maxReceiveCount", Integer.toString(MAX_RECEIVE_COUNT))),
                new LogResource(
                        ResourceNames.deadLetterName(BackendType.SQS, queue), LogResource.Role.DEAD_LETTER, Map.of()));
    }

    @Override
    public List<LogResource> reconcile(NamespaceSpec namespace) {
        List<LogResource> plan = plan(namespace);
        String dlqUrl =
                ensure(plan.get(1).name(), Map.of(QueueAttributeName.MESSAGE_RETENTION_PERIOD, RETENTION_SECONDS));
        String dlqArn = call(
                "read the ARN of " + plan.get(1).name(),
                () -> sqs.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                        .attributes()
                        .get(QueueAttributeName.QUEUE_ARN));
        Map<QueueAttributeName, String> main = new LinkedHashMap<>();
        main.put(QueueAttributeName.MESSAGE_RETENTION_PERIOD, RETENTION_SECONDS);
        main.put(QueueAttributeName.VISIBILITY_TIMEOUT, VISIBILITY_TIMEOUT_SECONDS);
        main.put(
                QueueAttributeName.REDRIVE_POLICY,
                "{\"maxReceiveCount\":\"" + MAX_RECEIVE_COUNT + "\",\"deadLetterTargetArn\":\"" + dlqArn + "\"}");
        ensure(plan.get(0).name(), main);
        return describe(namespace);
    }

    /** The queue's URL, after creating it or setting the attributes on the one that exists. */
    private String ensure(String queue, Map<QueueAttributeName, String> attributes) {
        Optional<String> url = url(queue);
        if (url.isPresent()) {
            call(
                    "update " + queue,
                    () -> sqs.setQueueAttributes(b -> b.queueUrl(url.get()).attributes(attributes)));
            return url.get();
        }
        return call(
                "create " + queue,
                () -> sqs.createQueue(b -> b.queueName(queue).attributes(attributes))
                        .queueUrl());
    }

    @Override
    public List<LogResource> describe(NamespaceSpec namespace) {
        List<LogResource> existing = new ArrayList<>();
        for (LogResource planned : plan(namespace)) {
            url(planned.name()).ifPresent(url -> {
                Map<String, String> attributes = new LinkedHashMap<>();
                attributes.put("url", url);
                Map<QueueAttributeName, String> actual = call(
                        "describe " + planned.name(),
                        () -> sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.ALL))
                                .attributes());
                attributes.put("arn", actual.getOrDefault(QueueAttributeName.QUEUE_ARN, ""));
                // Shown as the backend reports it; ElasticMQ takes the setting but never reports it.
                String retention = actual.get(QueueAttributeName.MESSAGE_RETENTION_PERIOD);
                if (retention != null) {
                    attributes.put("messageRetentionPeriod", retention);
                }
                String redrive = actual.get(QueueAttributeName.REDRIVE_POLICY);
                if (redrive != null) {
                    attributes.put("redrivePolicy", redrive);
                }
                existing.add(new LogResource(planned.name(), planned.role(), attributes));
            });
        }
        return existing;
    }

    /**
     * The queue's visible, in-flight and delayed messages, for its one region. Both calls share
     * {@link #UNDELIVERED_TIMEOUT}, so a hanging endpoint cannot hold a delete for the client's
     * longer default.
     */
    @Override
    public Map<String, Long> undelivered(NamespaceSpec namespace) {
        long deadline = System.nanoTime() + UNDELIVERED_TIMEOUT.toNanos();
        String queue = namespace.backend().topic();
        long count = 0;
        try {
            String url = sqs.getQueueUrl(
                            b -> b.queueName(queue).overrideConfiguration(o -> o.apiCallTimeout(left(deadline))))
                    .queueUrl();
            Map<QueueAttributeName, String> counts = sqs.getQueueAttributes(b -> b.queueUrl(url)
                            .attributeNames(
                                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)
                            .overrideConfiguration(o -> o.apiCallTimeout(left(deadline))))
                    .attributes();
            for (String value : counts.values()) {
                count += Long.parseLong(value);
            }
        } catch (QueueDoesNotExistException e) {
            count = 0; // never provisioned or already gone: nothing waits
        } catch (SdkClientException | SqsException e) {
            throw failure("count the messages of " + queue, e);
        }
        Map<String, Long> result = new LinkedHashMap<>();
        for (String region : namespace.target().regions().keySet()) {
            result.put(region, count); // one region per SQS namespace: one queue cannot feed two
        }
        return result;
    }

    private static Duration left(long deadline) {
        return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
    }

    @Override
    public void delete(NamespaceSpec namespace) {
        // The main queue first: its redrive policy points at the DLQ.
        for (LogResource resource : plan(namespace)) {
            url(resource.name()).ifPresent(url -> {
                try {
                    sqs.deleteQueue(b -> b.queueUrl(url));
                } catch (QueueDoesNotExistException e) {
                    // deleted meanwhile: the same outcome
                } catch (SdkClientException | SqsException e) {
                    throw failure("delete " + resource.name(), e);
                }
            });
        }
    }

    @Override
    public void close() {
        // The client belongs to whoever passed it in.
    }

    private Optional<String> url(String queue) {
        try {
            return Optional.of(sqs.getQueueUrl(b -> b.queueName(queue)).queueUrl());
        } catch (QueueDoesNotExistException e) {
            return Optional.empty();
        } catch (SdkClientException | SqsException e) {
            throw failure("look up " + queue, e);
        }
    }

    private static <T> T call(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (SdkClientException | SqsException e) {
            throw failure(what, e);
        }
    }

    private static ProvisioningException failure(String what, RuntimeException e) {
        boolean retryable = e instanceof SdkClientException
                || (e instanceof SqsException s && (s.statusCode() >= 500 || s.isThrottlingException()));
        return new ProvisioningException("cannot " + what + ": " + e.getMessage(), retryable, e);
    }
}
