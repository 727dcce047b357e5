package io.walgate.adapter.kafka.read;

import io.walgate.adapter.spi.AppendException;
import io.walgate.adapter.spi.DeliveryProgress;
import io.walgate.adapter.spi.LogAppender;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.namespace.NamespaceSpec;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Puts an entry back onto its namespace's log: a retry ({@code attempt + 1}, due after its backoff)
 * or an entry moving down the delay ladder. The appender routes it by due time.
 *
 * <ol>
 *   <li>Appended: the source record is settled.
 *   <li>Refused for good by the log (too large with its history, say): trying again would hold its
 *       partition for ever, so it is dead-lettered as {@code RETRY_REFUSED}, and settled.
 *   <li>Not appended (the log unreachable, no answer in 60 s): it says so, and the caller keeps the
 *       source record unsettled (held, or its partition paused at it) and tries again in {@link
 *       #AGAIN_AFTER}: never lost.
 * </ol>
 */
final class Reappender {
    private static final System.Logger LOG = System.getLogger(Reappender.class.getName());
    /** How long after a failed re-append it is tried again. */
    static final Duration AGAIN_AFTER = Duration.ofSeconds(1);

    private final NamespaceSpec namespace;
    private final LogAppender appender;
    private final DeadLetterWriter deadLetters;
    private final DeliveryProgress progress;

    Reappender(NamespaceSpec namespace, LogAppender appender, DeadLetterWriter deadLetters, DeliveryProgress progress) {
        this.namespace = namespace;
        this.appender = appender;
        this.deadLetters = deadLetters;
        this.progress = progress;
    }

    /** @return whether the source {@code record} is settled (appended, or dead-lettered as refused) */
    boolean reappend(ConsumerRecord<byte[], byte[]> record, Envelope again) {
        return reappend(record, again, start(again));
    }

    /**
     * Sends {@code again} to the log without waiting, so that the re-appends of a batch travel
     * together; {@link #reappend(ConsumerRecord, Envelope, CompletableFuture)} then waits for it.
     */
    CompletableFuture<?> start(Envelope again) {
        try {
            return appender.append(namespace, again).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** As {@link #reappend(ConsumerRecord, Envelope)}, for an append {@link #start}ed before. */
    boolean reappend(ConsumerRecord<byte[], byte[]> record, Envelope again, CompletableFuture<?> started) {
        Throwable failure;
        try {
            started.get(60, TimeUnit.SECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = e;
        } catch (ExecutionException e) {
            failure = e.getCause() == null ? e : e.getCause();
        } catch (Exception e) {
            failure = e;
        }
        if (failure instanceof AppendException refused && refused.code().isClientError()) {
            deadLetters.write(record.key(), record.value(), again, "RETRY_REFUSED", refused.getMessage());
            return true;
        }
        progress.failed("re-append of " + again.id() + ": " + failure);
        LOG.log(
                Level.WARNING,
                "could not re-append entry {0} for its retry; trying again: {1}",
                again.id(),
                failure.getMessage());
        return false;
    }
}
