package io.walgate.adapter.sqs.read;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The visibility heartbeat of one SQS delivery ({@link SqsSubscription}): while a batch is in hand, every
 * third of the queue's visibility timeout it sets the visibility of the messages still held back to
 * the full timeout.
 *
 * <ol>
 *   <li>Its thread starts with the first batch and ends with {@link #close()}.
 *   <li>It never throws: a missed extension only risks a duplicate, which targets apply
 *       idempotently.
 * </ol>
 */
final class SqsVisibility implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SqsVisibility.class.getName());
    /** SQS's default, for a queue whose attribute cannot be read. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final SqsClient sqs;
    private final String namespace;
    private final ScheduledExecutorService heartbeat;
    private volatile Duration timeout = DEFAULT_TIMEOUT;

    SqsVisibility(SqsClient sqs, String namespace) {
        this.sqs = sqs;
        this.namespace = namespace;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sqs-visibility-" + namespace);
            t.setDaemon(true);
            return t;
        });
    }

    /** Reads the queue's VisibilityTimeout (once, when the queue is resolved); 30 s when it cannot. */
    void readTimeout(String url) {
        try {
            String seconds = sqs.getQueueAttributes(
                            b -> b.queueUrl(url).attributeNames(QueueAttributeName.VISIBILITY_TIMEOUT))
                    .attributes()
                    .get(QueueAttributeName.VISIBILITY_TIMEOUT);
            timeout = seconds == null ? DEFAULT_TIMEOUT : Duration.ofSeconds(Math.max(1, Long.parseLong(seconds)));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not read the visibility timeout of {0}; assuming 30 s", namespace);
            timeout = DEFAULT_TIMEOUT;
        }
    }

    /**
     * Keeps the messages of {@code held} (receipt handles; the caller removes those it lets go)
     * invisible until the returned future is cancelled.
     */
    ScheduledFuture<?> keepInvisible(String url, Set<String> held) {
        int seconds = (int) Math.min(Integer.MAX_VALUE, timeout.toSeconds());
        long every = Math.max(200, timeout.toMillis() / 3);
        return heartbeat.scheduleWithFixedDelay(() -> extend(url, held, seconds), every, every, TimeUnit.MILLISECONDS);
    }

    private void extend(String url, Iterable<String> receiptHandles, int seconds) {
        try {
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
            for (String receiptHandle : receiptHandles) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder()
                        .id(Integer.toString(entries.size()))
                        .receiptHandle(receiptHandle)
                        .visibilityTimeout(seconds)
                        .build());
            }
            if (entries.isEmpty()) {
                return;
            }
            var result = sqs.changeMessageVisibilityBatch(b -> b.queueUrl(url).entries(entries));
            if (!result.failed().isEmpty()) {
                LOG.log(
                        Level.WARNING,
                        "could not extend the visibility of {0} messages of {1}: {2}",
                        result.failed().size(),
                        namespace,
                        result.failed().get(0).message());
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not extend the visibility of {0}: {1}", namespace, e.getMessage());
        }
    }

    @Override
    public void close() {
        heartbeat.shutdownNow();
    }
}
