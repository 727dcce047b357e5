package io.walgate.consumers.engine;

import io.walgate.adapter.kafka.KafkaDelayTiers;
import io.walgate.adapter.spi.LogAppender;
import io.walgate.consumers.targets.Target;
import io.walgate.consumers.targets.Target.Applied;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.EnvelopeCodec;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.ResourceNames;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Delivers one namespace's Kafka log to one region's target, on one thread.
 *
 * <p>It reads the log topic and every delay tier. An entry not yet due pauses its partition, which
 * is rewound to it: each tier holds entries of one delay in write order, so the head is always the
 * next one due and nothing behind it is ready sooner. A due entry is applied; a transient failure
 * is re-appended with {@code attempt + 1}, due after the namespace's backoff, through the same
 * delay ladder; a permanent failure, or the last allowed attempt, goes to the namespace's DLQ with
 * its history (attempts, first and last error, when) in the envelope and in record headers. Offsets are committed only after the entry was applied, re-appended or dead-lettered
 * (at least once; targets apply idempotently by entry id).
 *
 * <p>Ordering is {@code NONE}: a retried entry no longer holds its place among its key's entries.
 */
public final class KafkaDelivery implements Runnable {
    private static final System.Logger LOG = System.getLogger(KafkaDelivery.class.getName());
    private static final Duration MAX_POLL = Duration.ofMillis(200);

    private final NamespaceSpec namespace;
    private final String region;
    private final Consumer<byte[], byte[]> consumer;
    private final LogAppender retries;
    private final Producer<byte[], byte[]> deadLetters;
    private final Target target;
    private final PayloadStore payloads;
    private final DeliveryEvents events;
    private final Clock clock;
    private final Map<TopicPartition, Instant> pausedUntil = new HashMap<>();
    private volatile boolean running = true;

    /**
     * @param consumer subscribed by this class; its group should be one per (namespace, region)
     * @param retries appends retried entries (the Kafka appender, which routes by due time)
     * @param deadLetters an idempotent {@code acks=all} producer for the DLQ
     * @param payloads redeems claim checks; null when this worker has no access to the gateway's
     *     database (claim-checked entries then fail transiently and, in the end, go to the DLQ)
     * @param events told of every apply, for metrics; {@link DeliveryEvents#NONE} for none
     */
    public KafkaDelivery(
            NamespaceSpec namespace,
            String region,
            Consumer<byte[], byte[]> consumer,
            LogAppender retries,
            Producer<byte[], byte[]> deadLetters,
            Target target,
            PayloadStore payloads,
            DeliveryEvents events,
            Clock clock) {
        this.namespace = namespace;
        this.region = region;
        this.consumer = consumer;
        this.retries = retries;
        this.deadLetters = deadLetters;
        this.target = target;
        this.payloads = payloads;
        this.events = events;
        this.clock = clock;
    }

    /** The topics delivered: the log and its delay tiers. */
    public static List<String> topics(NamespaceSpec namespace) {
        String log = namespace.backend().topic();
        List<String> topics = new ArrayList<>();
        topics.add(log);
        KafkaDelayTiers.TIERS.forEach(tier -> topics.add(KafkaDelayTiers.topicName(log, tier)));
        return topics;
    }

    @Override
    public void run() {
        consumer.subscribe(topics(namespace));
        try {
            while (running) {
                try {
                    deliverOnce();
                } catch (org.apache.kafka.common.errors.WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    // A failure outside the target (the DLQ or Kafka itself): nothing past the last
                    // commit is lost; go back to it and try again shortly, rather than let the
                    // thread die and the namespace silently stop being delivered.
                    LOG.log(
                            Level.WARNING,
                            "delivery of " + namespace.name() + " failed; retrying from the last"
                                    + " committed offsets in 1 s: " + e.getMessage(),
                            e);
                    rewindToCommitted();
                    sleep(Duration.ofSeconds(1));
                }
            }
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            // stop() was called
        } finally {
            consumer.close();
        }
    }

    private void deliverOnce() {
        resumeDue();
        var records = consumer.poll(pollTimeout());
        Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
                if (!running || pausedUntil.containsKey(partition)) {
                    break; // the rest of this partition is read again after the seek
                }
                if (!deliver(partition, record)) {
                    break;
                }
                done.put(partition, new OffsetAndMetadata(record.offset() + 1));
            }
        }
        if (!done.isEmpty()) {
            consumer.commitSync(done);
        }
    }

    private void rewindToCommitted() {
        try {
            var assigned = consumer.assignment();
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned);
            for (TopicPartition p : assigned) {
                OffsetAndMetadata c = committed.get(p);
                if (c != null) {
                    consumer.seek(p, c.offset());
                } else {
                    consumer.seekToBeginning(List.of(p));
                }
            }
            pausedUntil.clear();
            consumer.resume(assigned);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not rewind " + namespace.name() + ": " + e.getMessage());
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops after the entry in hand; what is not committed is delivered again by the next worker. */
    public void stop() {
        running = false;
        consumer.wakeup();
    }

    /** @return false when the partition was paused at this record (not due yet, or not appended) */
    private boolean deliver(TopicPartition partition, ConsumerRecord<byte[], byte[]> record) {
        Envelope entry;
        try {
            entry = EnvelopeCodec.decode(record.value());
        } catch (EnvelopeCodec.MalformedEnvelopeException e) {
            deadLetter(record.key(), record.value(), null, "MALFORMED_ENVELOPE", e.getMessage());
            return true;
        }
        Instant now = clock.instant();
        if (entry.deliverAt().isAfter(now)) {
            pause(partition, record.offset(), entry.deliverAt());
            return false;
        }
        // Retries and the DLQ get the entry as logged: a redeemed payload may be too large for the log.
        Envelope inline = entry;
        if (entry.payloadRef() != null) {
            if (payloads == null) {
                return retryOrDeadLetter(
                        partition,
                        record,
                        entry,
                        new Applied.Failed(
                                true,
                                "NO_PAYLOAD_STORE",
                                "this worker has no payload store to redeem the claim check"));
            }
            PayloadStore.Redeemed redeemed = payloads.redeem(entry);
            if (redeemed instanceof PayloadStore.Redeemed.Failed f) {
                return retryOrDeadLetter(partition, record, entry, f.failure());
            }
            inline = ((PayloadStore.Redeemed.Inline) redeemed).entry();
        }
        Duration lateness = Duration.between(entry.deliverAt(), now);
        long start = System.nanoTime();
        Applied applied = target.apply(inline);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        if (applied instanceof Applied.Failed failed) {
            boolean retry = failed.transientFailure()
                    && entry.attempt() < namespace.retry().maxAttempts();
            events.attempted(entry, retry ? "retried" : "dead_lettered", failed.code(), took, lateness);
            return retryOrDeadLetter(partition, record, entry, failed);
        }
        events.attempted(entry, "applied", "OK", took, lateness);
        return true;
    }

    private boolean retryOrDeadLetter(
            TopicPartition partition, ConsumerRecord<byte[], byte[]> record, Envelope entry, Applied.Failed failed) {
        int maxAttempts = namespace.retry().maxAttempts();
        if (!failed.transientFailure() || entry.attempt() >= maxAttempts) {
            String why = failed.transientFailure() ? "attempts exhausted (" + maxAttempts + ")" : "permanent failure";
            LOG.log(
                    Level.WARNING,
                    "entry {0} of {1} dead-lettered after attempt {2}, {3}: {4} {5}",
                    entry.id(),
                    namespace.name(),
                    entry.attempt(),
                    why,
                    failed.code(),
                    failed.message());
            Envelope dead = entry.withFailure(failed.code(), failed.message(), clock.instant());
            deadLetter(record.key(), EnvelopeCodec.encode(dead), dead, failed.code(), failed.message());
            return true;
        }
        Duration backoff = namespace.retry().backoff(entry.attempt());
        Instant now = clock.instant();
        Envelope again = entry.withFailure(failed.code(), failed.message(), now).retryAt(now.plus(backoff));
        try {
            retries.append(namespace, again).toCompletableFuture().get(60, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            // Not re-appended: deliver this entry again in a moment rather than lose it.
            LOG.log(
                    Level.WARNING,
                    "could not re-append entry {0} for its retry; trying again: {1}",
                    entry.id(),
                    e.getMessage());
            pause(partition, record.offset(), clock.instant().plusSeconds(1));
            return false;
        }
    }

    private void deadLetter(byte[] key, byte[] value, Envelope entry, String code, String message) {
        String dlq = ResourceNames.deadLetterName(
                BackendType.KAFKA, namespace.backend().topic());
        RecordHeaders headers = new RecordHeaders();
        header(headers, "walgate-error-code", code);
        header(headers, "walgate-error-message", message);
        header(headers, "walgate-region", region);
        header(headers, "walgate-dead-at", clock.instant().toString());
        if (entry != null) {
            header(headers, "walgate-entry-id", entry.id().toString());
            header(headers, "walgate-attempts", Integer.toString(entry.attempt()));
            header(headers, "walgate-accepted-at", entry.acceptedAt().toString());
            if (entry.history() != null) {
                header(headers, "walgate-first-error-code", entry.history().firstErrorCode());
                header(headers, "walgate-first-error-message", entry.history().firstErrorMessage());
                header(
                        headers,
                        "walgate-first-failed-at",
                        entry.history().firstFailedAt().toString());
            }
        }
        try {
            deadLetters
                    .send(new ProducerRecord<>(dlq, null, key, value, headers))
                    .get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Never commit past an entry that is neither applied nor dead-lettered.
            throw new IllegalStateException("cannot write to the dead-letter topic " + dlq + ": " + e.getMessage(), e);
        }
    }

    private static void header(RecordHeaders headers, String name, String value) {
        if (value != null) {
            headers.add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    private void pause(TopicPartition partition, long offset, Instant until) {
        consumer.seek(partition, offset);
        consumer.pause(List.of(partition));
        pausedUntil.put(partition, until);
    }

    private void resumeDue() {
        Instant now = clock.instant();
        List<TopicPartition> due = new ArrayList<>();
        pausedUntil.forEach((partition, until) -> {
            if (!until.isAfter(now)) {
                due.add(partition);
            }
        });
        due.forEach(pausedUntil::remove);
        // A partition lost in a rebalance is no longer ours to resume.
        due.retainAll(consumer.assignment());
        if (!due.isEmpty()) {
            consumer.resume(due);
        }
    }

    private Duration pollTimeout() {
        Instant now = clock.instant();
        Duration wait = MAX_POLL;
        for (Instant until : pausedUntil.values()) {
            Duration left = Duration.between(now, until);
            if (left.compareTo(wait) < 0) {
                wait = left.isNegative() ? Duration.ZERO : left;
            }
        }
        return wait;
    }
}
