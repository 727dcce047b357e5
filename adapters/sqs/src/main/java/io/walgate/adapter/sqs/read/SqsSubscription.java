package io.walgate.adapter.sqs.read;

import io.walgate.adapter.spi.DeadLetterHeaders;
import io.walgate.adapter.spi.DeliveryProgress;
import io.walgate.adapter.spi.EntryHandler;
import io.walgate.adapter.spi.LogAppender;
import io.walgate.adapter.spi.SubscriptionThread;
import io.walgate.adapter.spi.Verdict;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.EnvelopeCodec;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.ResourceNames;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Delivers one namespace's SQS queue to one region's {@link EntryHandler}, on one thread: the loop
 * of an {@link SqsLogReader} subscription.
 *
 * <p>Long-polls the queue; a message is deleted only once its entry was applied, re-enqueued or
 * dead-lettered, so a worker that dies mid-batch leaves the rest to come back after the visibility
 * timeout (at least once; targets apply idempotently by entry id). SQS delays at most 15 minutes:
 * an entry that arrives before it is due is re-enqueued for the remainder (the appender caps each
 * hop at 15 minutes). Retries are re-enqueued with {@code attempt + 1}, delayed by the backoff; the
 * DLQ is the namespace's {@code <queue>-dlq}, with {@link DeadLetterHeaders} as message attributes.
 * A message received too often without being deleted (the worker crashed on it) is moved to the
 * DLQ by the queue's redrive policy.
 *
 * <p>While a batch is in hand, a heartbeat ({@link SqsVisibility}) keeps its messages invisible: every third of the queue's
 * visibility timeout it sets the visibility of those not yet deleted back to the full timeout, so
 * slow applies (each up to the target's timeout) never hand a message to a second worker, nor
 * count receives towards the redrive to the DLQ. A worker that dies stops the heartbeat with it:
 * its messages come back after one visibility timeout.
 *
 * <p>SQS keeps no order, so neither does this delivery ({@code ordering: KEY} is refused for SQS
 * namespaces).
 */
final class SqsSubscription implements SubscriptionThread.Loop {
    private static final System.Logger LOG = System.getLogger(SqsSubscription.class.getName());
    /** SQS delays in whole seconds; an entry this close to due waits here rather than hop again. */
    private static final Duration EARLY_TOLERANCE = Duration.ofMillis(1500);

    private static final Duration REPORT_EVERY = Duration.ofSeconds(10);

    private final NamespaceSpec namespace;
    private final String region;
    private final SqsClient sqs;
    private final LogAppender requeue;
    private final EntryHandler handler;
    private final DeliveryProgress progress;
    private final Clock clock;
    private final int waitSeconds;
    private volatile boolean running = true;
    private String queueUrl;
    private String deadLetterUrl;
    private Instant nextBacklog = Instant.MIN;
    private final SqsVisibility visibility;
    private final SqsDeadLetterWriter deadLetters;

    /**
     * @param sqs not closed by this class
     * @param requeue the SQS appender, for retries and the rest of long delays
     * @param handler applies due entries; closed at the end
     * @param waitSeconds the long poll (1..20); also how long {@link #stop()} may take
     */
    SqsSubscription(
            NamespaceSpec namespace,
            String region,
            SqsClient sqs,
            LogAppender requeue,
            EntryHandler handler,
            DeliveryProgress progress,
            Clock clock,
            int waitSeconds) {
        this.namespace = namespace;
        this.region = region;
        this.sqs = sqs;
        this.requeue = requeue;
        this.handler = handler;
        this.progress = progress;
        this.clock = clock;
        this.waitSeconds = Math.max(1, Math.min(20, waitSeconds));
        this.visibility = new SqsVisibility(sqs, namespace.name());
        this.deadLetters = new SqsDeadLetterWriter(sqs, namespace.name(), region, clock, progress);
    }

    @Override
    public void run() {
        try {
            while (running) {
                try {
                    deliverOnce();
                } catch (RuntimeException e) {
                    // SQS unreachable, a queue gone: nothing was deleted that was not done with.
                    progress.failed(e.toString());
                    progress.position(-1, "");
                    LOG.log(
                            Level.WARNING,
                            "delivery of {0} failed; trying again in 1 s: {1}",
                            namespace.name(),
                            e.getMessage());
                    queueUrl = null;
                    sleep(Duration.ofSeconds(1));
                }
            }
        } finally {
            visibility.close();
            try {
                handler.close();
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "closing: " + e.getMessage());
            }
        }
    }

    /** Stops after the batch in hand (within the long poll); unfinished messages come back later. */
    @Override
    public void stop() {
        running = false;
    }

    private void deliverOnce() {
        if (queueUrl == null) {
            String queue = namespace.backend().topic();
            queueUrl = sqs.getQueueUrl(b -> b.queueName(queue)).queueUrl();
            deadLetterUrl = sqs.getQueueUrl(b -> b.queueName(ResourceNames.deadLetterName(BackendType.SQS, queue)))
                    .queueUrl();
            visibility.readTimeout(queueUrl);
        }
        reportBacklog();
        List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl)
                        .maxNumberOfMessages(10)
                        .waitTimeSeconds(waitSeconds)
                        .messageAttributeNames("All"))
                .messages();
        if (messages.isEmpty()) {
            return;
        }
        // Receipt handles kept invisible: those not handled yet and those done but not yet deleted.
        Map<String, Boolean> held = new ConcurrentHashMap<>();
        messages.forEach(m -> held.put(m.receiptHandle(), true));
        ScheduledFuture<?> keeping = visibility.keepInvisible(queueUrl, held.keySet());
        List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
        try {
            for (Message message : messages) {
                // A clean stop still finishes the batch: an entry applied but not deleted would be
                // applied again by the next worker.
                if (handle(message)) {
                    done.add(DeleteMessageBatchRequestEntry.builder()
                            .id(Integer.toString(done.size()))
                            .receiptHandle(message.receiptHandle())
                            .build());
                } else {
                    // Left to come back after the visibility timeout: that is its retry.
                    held.remove(message.receiptHandle());
                }
            }
        } finally {
            // The last extension left at least two thirds of the timeout: ample for the delete.
            keeping.cancel(false);
            // Even when one message failed hard: what is done is deleted, not redelivered.
            delete(done);
            if (!done.isEmpty()) {
                progress.progressed();
            }
        }
    }

    private void delete(List<DeleteMessageBatchRequestEntry> done) {
        if (done.isEmpty()) {
            return;
        }
        var result = sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(done));
        if (!result.failed().isEmpty()) {
            // Those come back after the visibility timeout and are applied again, idempotently.
            LOG.log(
                    Level.WARNING,
                    "{0} messages of {1} could not be deleted: {2}",
                    result.failed().size(),
                    namespace.name(),
                    result.failed().get(0).message());
        }
    }

    private void reportBacklog() {
        Instant now = clock.instant();
        if (now.isBefore(nextBacklog)) {
            return;
        }
        nextBacklog = now.plus(REPORT_EVERY);
        long ready = ready(queueUrl);
        // Messages ready in the queue are due (delayed ones are not visible yet).
        progress.position(ready, queueUrl);
        progress.backlog(ready, ready(deadLetterUrl));
    }

    private long ready(String url) {
        try {
            String n = sqs.getQueueAttributes(
                            b -> b.queueUrl(url).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                    .attributes()
                    .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
            return n == null ? -1 : Long.parseLong(n);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** @return whether the message is done with and may be deleted */
    private boolean handle(Message message) {
        Envelope entry;
        try {
            entry = EnvelopeCodec.decode(Base64.getDecoder().decode(message.body()));
        } catch (IllegalArgumentException | EnvelopeCodec.MalformedEnvelopeException e) {
            return deadLetter(message.body(), null, "MALFORMED_ENVELOPE", e.getMessage());
        }
        Duration early = Duration.between(clock.instant(), entry.deliverAt());
        if (early.compareTo(EARLY_TOLERANCE) > 0) {
            return enqueue(entry, "the rest of its delay");
        }
        // Never early, not even by the milliseconds a sleep rounds away.
        while (clock.instant().isBefore(entry.deliverAt())
                && !Thread.currentThread().isInterrupted()) {
            sleep(Duration.between(clock.instant(), entry.deliverAt()));
        }
        Verdict verdict = handler.handle(entry);
        if (verdict instanceof Verdict.Retry retry) {
            return enqueue(retry.again(), "its retry");
        }
        if (verdict instanceof Verdict.Dead dead) {
            LOG.log(
                    Level.WARNING,
                    "entry {0} of {1} dead-lettered after attempt {2}, {3}: {4} {5}",
                    entry.id(),
                    namespace.name(),
                    dead.dead().attempt(),
                    dead.why(),
                    dead.code(),
                    dead.message());
            return deadLetter(
                    Base64.getEncoder().encodeToString(EnvelopeCodec.encode(dead.dead())),
                    dead.dead(),
                    dead.code(),
                    dead.message());
        }
        return true;
    }

    private boolean enqueue(Envelope entry, String what) {
        try {
            requeue.append(namespace, entry).toCompletableFuture().get(60, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            // Left in the queue: it comes back after the visibility timeout.
            LOG.log(Level.WARNING, "could not re-enqueue entry {0} for {1}: {2}", entry.id(), what, e.getMessage());
            progress.failed("re-enqueue of " + entry.id() + ": " + e);
            return false;
        }
    }

    private boolean deadLetter(String body, Envelope entry, String code, String message) {
        if (deadLetters.write(deadLetterUrl, body, entry, code, message)) {
            return true;
        }
        // Left in the queue: it comes back after the visibility timeout, and is dead-lettered then.
        progress.failed("cannot write to the dead-letter queue " + deadLetterUrl);
        return false;
    }

    /** Sleeps at least {@code d} (rounded up to the millisecond). */
    private static void sleep(Duration d) {
        try {
            Thread.sleep(Math.max(0, (d.toNanos() + 999_999) / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
