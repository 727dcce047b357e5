package io.walgate.consumers.engine;

import io.walgate.adapter.kafka.KafkaDelayTiers;
import io.walgate.adapter.spi.AppendException;
import io.walgate.adapter.spi.LogAppender;
import io.walgate.consumers.targets.Target;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.EnvelopeCodec;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.Ordering;
import io.walgate.contract.namespace.ResourceNames;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.NoOffsetForPartitionException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Delivers one namespace's Kafka log to one region's target, on one thread.
 *
 * <p>It reads the log topic and every delay tier. An entry waits in a tier exactly the tier's length
 * after it was appended, then moves down the ladder (re-appended to the tier its remaining time
 * fits) or is applied when due; so each tier is FIFO in release time, and a head not yet released
 * pauses its partition (rewound to it) without holding back anything that is released sooner. A due entry is applied (see {@link
 * Attempts}); a permanent failure, or the last allowed attempt, goes to the namespace's DLQ with its
 * history in the envelope and in record headers ({@link DeadLetterHeaders}).
 *
 * <p>A transient failure depends on the namespace's ordering. {@code NONE}: the entry is re-appended
 * with {@code attempt + 1}, due after the backoff, through the same delay ladder, and everything
 * behind it flows on. {@code KEY}: the entry is held in memory ({@link KeyHolds}) with the later
 * entries of its partition key behind it, and retried in place; other keys flow on. Held entries
 * are never committed, so a restart reads them again.
 *
 * <p>Offsets are committed only after the entry was applied, re-appended or dead-lettered (at least
 * once; targets apply idempotently by entry id).
 */
public final class KafkaDelivery implements Delivery {
    private static final System.Logger LOG = System.getLogger(KafkaDelivery.class.getName());
    private static final Duration MAX_POLL = Duration.ofMillis(200);
    /** Held entries per partition before the partition stops being read (KEY ordering). */
    static final int MAX_HELD_PER_PARTITION = 10_000;

    private final NamespaceSpec namespace;
    private final String region;
    private final Consumer<byte[], byte[]> consumer;
    private final LogAppender retries;
    private final Producer<byte[], byte[]> deadLetters;
    private final DeadLetterProbe deadLetterDepth;
    private final Target target;
    private final PayloadStore payloads;
    private final Attempts attempts;
    private final DeliveryEvents events;
    private final Clock clock;
    private final boolean keyOrdered;
    /** Delay tier topic → how long an entry waits in it. */
    private final Map<String, Duration> tiers = new HashMap<>();

    private final Map<TopicPartition, Instant> pausedUntil = new HashMap<>();
    /** Partitions paused at an entry that is not due yet: waiting, not stalled. */
    private final Set<TopicPartition> waitingForDueTime = new HashSet<>();

    private final StallWatch stall;
    private final KeyHolds holds = new KeyHolds();
    /** Per partition, the offset after the last record handled (applied, re-appended, dead, held). */
    private final Map<TopicPartition, Long> handled = new HashMap<>();

    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private volatile boolean running = true;
    /** Set when a rewind failed: nothing may be read (or committed) until one succeeds. */
    private boolean mustRewind;

    private Instant nextBacklog = Instant.MIN;

    /**
     * @param consumer subscribed by this class; its group should be one per (namespace, region)
     * @param retries appends retried entries (the Kafka appender, which routes by due time)
     * @param deadLetters an idempotent {@code acks=all} producer for the DLQ; closed at the end
     * @param deadLetterDepth asks the DLQ's depth for the backlog report without blocking ({@code
     *     KafkaDeadLetters#depth}); asked every {@link DeliveryEvents#BACKLOG_EVERY}, never waited for
     * @param target closed at the end
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
            Supplier<CompletionStage<Long>> deadLetterDepth,
            Target target,
            PayloadStore payloads,
            DeliveryEvents events,
            Clock clock) {
        this.namespace = namespace;
        this.region = region;
        this.consumer = consumer;
        this.retries = retries;
        this.deadLetters = deadLetters;
        this.deadLetterDepth = new DeadLetterProbe(deadLetterDepth, clock, DeliveryEvents.BACKLOG_EVERY);
        this.target = target;
        this.payloads = payloads;
        events = DeliveryEvents.guarded(events);
        this.attempts = new Attempts(
                namespace,
                region,
                target,
                payloads,
                events,
                clock,
                () -> ThreadLocalRandom.current().nextDouble());
        this.events = events;
        this.clock = clock;
        this.keyOrdered = namespace.delivery().ordering() == Ordering.KEY;
        this.stall = new StallWatch(namespace.name() + " (" + region + ")", clock);
        KafkaDelayTiers.TIERS.forEach(
                tier -> tiers.put(KafkaDelayTiers.topicName(namespace.backend().topic(), tier), tier));
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
        consumer.subscribe(topics(namespace), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                forget(partitions);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                forget(partitions);
            }
        });
        try {
            while (running) {
                try {
                    if (mustRewind) {
                        rewindToCommitted();
                        if (mustRewind) {
                            reportStall();
                            sleep(Duration.ofSeconds(1));
                            continue;
                        }
                    }
                    deliverOnce();
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    // A failure outside the target (the DLQ or Kafka itself): nothing past the last
                    // commit is lost; go back to it and try again shortly, rather than let the
                    // thread die and the namespace silently stop being delivered. Failures of one
                    // entry never come here (Attempts makes them that entry's outcome): this is
                    // infrastructure, and the stall watch reports it if it lasts.
                    stall.failed(e.toString());
                    LOG.log(
                            Level.WARNING,
                            "delivery of " + namespace.name() + " failed; retrying from the last"
                                    + " committed offsets in 1 s: " + e.getMessage(),
                            e);
                    rewindToCommitted();
                    reportStall();
                    sleep(Duration.ofSeconds(1));
                }
            }
        } catch (WakeupException e) {
            // stop() was called
        } finally {
            closeQuietly(consumer::close);
            closeQuietly(deadLetters::close);
            closeQuietly(target::close);
            if (payloads != null) {
                closeQuietly(payloads::close);
            }
        }
    }

    /**
     * Stops after the entries in hand are applied and committed (a poll waits at most 200 ms), so a
     * clean stop applies nothing twice. No {@code wakeup()}: it could interrupt the commit of entries
     * already applied, and the next worker would apply them again.
     */
    @Override
    public void stop() {
        running = false;
    }

    private void deliverOnce() {
        resumeDue();
        ConsumerRecords<byte[], byte[]> records;
        try {
            records = consumer.poll(pollTimeout());
        } catch (NoOffsetForPartitionException e) {
            // A group's first start (auto.offset.reset=none): everything in the log is due to us.
            consumer.seekToBeginning(e.partitions());
            return;
        } catch (OffsetOutOfRangeException e) {
            skipLost(e.offsetOutOfRangePartitions());
            return;
        }
        if (!keyOrdered) {
            if (running) {
                deliverTogether(records);
            }
        } else {
            for (TopicPartition partition : records.partitions()) {
                for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
                    if (!running || pausedUntil.containsKey(partition)) {
                        break; // the rest of this partition is read again after the seek
                    }
                    if (!deliver(partition, record)) {
                        break;
                    }
                    handled.put(partition, record.offset() + 1);
                }
            }
        }
        retryHeld();
        commit();
        reportBacklog();
    }

    /**
     * The position of some partitions is no longer in the log: retention deleted entries before
     * they were delivered (the delivery fell behind it, or was paused past it). Those entries are
     * gone; say so loudly — log, metric — and go on from the oldest entry that is still there,
     * rather than skip silently as {@code auto.offset.reset=earliest} would.
     */
    private void skipLost(Map<TopicPartition, Long> positions) {
        Map<TopicPartition, Long> first = consumer.beginningOffsets(positions.keySet(), Duration.ofSeconds(10));
        Map<TopicPartition, Long> end = consumer.endOffsets(positions.keySet(), Duration.ofSeconds(10));
        positions.forEach((partition, position) -> {
            long oldest = first.getOrDefault(partition, 0L);
            long last = end.getOrDefault(partition, oldest);
            if (position < oldest) {
                LOG.log(
                        Level.ERROR,
                        "{0} entries of {1} ({2}, offsets {3} to {4}) were deleted by retention before they were"
                                + " delivered to {5}; delivery goes on from offset {4}",
                        oldest - position,
                        namespace.name(),
                        partition,
                        position,
                        oldest,
                        region);
                events.lost(partition.toString(), oldest - position);
                consumer.seek(partition, oldest);
            } else if (position <= last) {
                // Out of range a moment ago (a leader change, a truncation the log has since grown
                // back over), in range now: nothing was lost; read on from where it was.
                consumer.seek(partition, position);
            } else {
                LOG.log(
                        Level.ERROR,
                        "the position {0} of {1} is past the end of the log ({2}): the log lost entries"
                                + " (unclean leader election?); delivery goes on from the end",
                        position,
                        partition,
                        last);
                events.lost(partition.toString(), position - last);
                consumer.seek(partition, last);
            }
        });
    }

    /**
     * While the loop fails before it reaches {@link #reportBacklog} (the DLQ or the log unreachable):
     * nothing moves, and how much waits cannot be told — the stall watch counts that as a stall.
     */
    private void reportStall() {
        stall.observe(-1, "");
        events.stall(stall.stalledFor(), stall.detail());
    }

    private void reportBacklog() {
        Instant now = clock.instant();
        if (now.isBefore(nextBacklog) && !deadLetterDepth.answered()) {
            return; // reported every BACKLOG_EVERY, and as soon as the DLQ's depth is known
        }
        if (!now.isBefore(nextBacklog)) {
            nextBacklog = now.plus(DeliveryEvents.BACKLOG_EVERY);
        }
        long lag = holds.size();
        long dueLag = holds.size();
        StringBuilder position = new StringBuilder();
        for (TopicPartition p : consumer.assignment()) {
            long behind = consumer.currentLag(p).orElse(0);
            lag += behind;
            if (behind > 0 && !waitingForDueTime.contains(p)) {
                dueLag += behind;
                position.append(position.length() == 0 ? "" : ", ")
                        .append(p)
                        .append('@')
                        .append(committed.getOrDefault(p, -1L));
            }
        }
        stall.observe(dueLag, position.toString());
        events.stall(stall.stalledFor(), stall.detail());
        long dead = deadLetterDepth.latest();
        events.backlog(lag, dead);
    }

    /** A record of this poll, decoded; {@code entry} is null when it is not an envelope. */
    private record Polled(
            TopicPartition partition, ConsumerRecord<byte[], byte[]> record, Envelope entry, boolean move) {}

    /**
     * Ordering {@code NONE}: every due record of the poll is applied in one go ({@link
     * Target#applyAll}: one transaction where the target can), partitions one after the other and
     * each in log order, then each is settled in order. A partition stops at its first entry not yet
     * due, which it is paused at.
     */
    private void deliverTogether(ConsumerRecords<byte[], byte[]> records) {
        Instant now = clock.instant();
        List<Polled> polled = new ArrayList<>();
        Map<TopicPartition, ConsumerRecord<byte[], byte[]>> notDue = new HashMap<>();
        Map<TopicPartition, Instant> dueAt = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
                Envelope entry;
                try {
                    entry = EnvelopeCodec.decode(record.value());
                } catch (EnvelopeCodec.MalformedEnvelopeException e) {
                    entry = null;
                }
                if (entry != null && entry.deliverAt().isAfter(now)) {
                    Instant release = releaseAt(record, entry);
                    if (release.isAfter(now)) {
                        waitingForDueTime.add(partition);
                        notDue.put(partition, record);
                        dueAt.put(partition, release);
                        break;
                    }
                    polled.add(new Polled(partition, record, entry, true)); // down the ladder
                    continue;
                }
                polled.add(new Polled(partition, record, entry, false));
            }
        }
        List<Attempts.Verdict> verdicts = attempts.attemptAll(polled.stream()
                .filter(p -> p.entry() != null && !p.move())
                .map(Polled::entry)
                .toList());
        Set<TopicPartition> stopped = new HashSet<>();
        int v = 0;
        for (Polled p : polled) {
            Attempts.Verdict verdict = p.entry() == null || p.move() ? null : verdicts.get(v++);
            if (stopped.contains(p.partition())) {
                continue; // read again from the record it stopped at; applied ones apply idempotently
            }
            if (p.move()) {
                if (!reappend(p.partition(), p.record(), p.entry())) {
                    stopped.add(p.partition());
                    continue;
                }
            } else if (verdict == null) {
                deadLetter(p.record().key(), p.record().value(), null, "MALFORMED_ENVELOPE", "not an envelope");
            } else if (verdict instanceof Attempts.Verdict.Dead dead) {
                deadLetter(p.record().key(), dead);
            } else if (verdict instanceof Attempts.Verdict.Retry retry
                    && !reappend(p.partition(), p.record(), retry.again())) {
                stopped.add(p.partition());
                continue;
            }
            handled.put(p.partition(), p.record().offset() + 1);
        }
        notDue.forEach((partition, record) -> {
            if (!stopped.contains(partition)) {
                pause(partition, record.offset(), dueAt.get(partition));
            }
        });
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
            Instant release = releaseAt(record, entry);
            if (release.isAfter(now)) {
                pause(partition, record.offset(), release);
                waitingForDueTime.add(partition);
                return false;
            }
            return reappend(partition, record, entry); // down the ladder
        }
        String key = keyOrdered ? entry.partitionKey() : null;
        if (holds.blocks(key)) {
            if (holds.heldIn(partition) >= MAX_HELD_PER_PARTITION) {
                pause(partition, record.offset(), holds.nextRetry().orElse(now.plusSeconds(1)));
                return false;
            }
            holds.holdBehind(key, new KeyHolds.Held(partition, record.offset(), record.key(), entry));
            return true;
        }
        Attempts.Verdict verdict = attempts.attempt(entry);
        if (verdict instanceof Attempts.Verdict.Dead dead) {
            deadLetter(record.key(), dead);
        } else if (verdict instanceof Attempts.Verdict.Retry retry) {
            if (key == null) {
                return reappend(partition, record, retry.again());
            }
            holds.holdFailed(
                    key,
                    new KeyHolds.Held(partition, record.offset(), record.key(), retry.again()),
                    retry.again().deliverAt());
        }
        return true;
    }

    /**
     * When a not-yet-due record leaves its place: an entry waits in a delay tier exactly the tier's
     * length from when it was appended (then moves down the ladder, re-appended by remaining time),
     * so every tier is FIFO in release time and a head that is not released yet holds back nothing
     * that is released sooner. On the log topic itself it is the due time (under a second away).
     */
    private Instant releaseAt(ConsumerRecord<byte[], byte[]> record, Envelope entry) {
        Duration tier = tiers.get(record.topic());
        if (tier == null || record.timestamp() < 0) {
            return entry.deliverAt();
        }
        Instant release = Instant.ofEpochMilli(record.timestamp()).plus(tier);
        return release.isBefore(entry.deliverAt()) ? release : entry.deliverAt();
    }

    /** Tries the held keys whose turn it is, each until it blocks again or has nothing held. */
    private void retryHeld() {
        Instant now = clock.instant();
        for (String key : holds.dueKeys(now)) {
            while (running) {
                var head = holds.head(key);
                if (head.isEmpty()) {
                    break;
                }
                KeyHolds.Held held = head.get();
                Attempts.Verdict verdict = attempts.attempt(held.entry());
                if (verdict instanceof Attempts.Verdict.Retry retry) {
                    holds.retryHead(key, retry.again(), retry.again().deliverAt());
                    break;
                }
                if (verdict instanceof Attempts.Verdict.Dead dead) {
                    deadLetter(held.recordKey(), dead);
                }
                holds.release(key, clock.instant());
            }
        }
    }

    private boolean reappend(TopicPartition partition, ConsumerRecord<byte[], byte[]> record, Envelope again) {
        try {
            retries.append(namespace, again).toCompletableFuture().get(60, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof AppendException refused && refused.code().isClientError()) {
                // The log refuses this entry for good (too large with its history, say): trying
                // again would hold its partition for ever. It goes to the DLQ as logged.
                deadLetter(record.key(), record.value(), again, "RETRY_REFUSED", refused.getMessage());
                return true;
            }
            return retryReappend(partition, record, again, cause);
        }
    }

    private boolean retryReappend(
            TopicPartition partition, ConsumerRecord<byte[], byte[]> record, Envelope again, Throwable e) {
        stall.failed("re-append of " + again.id() + ": " + e);
        // Not re-appended: deliver this entry again in a moment rather than lose it.
        LOG.log(
                Level.WARNING,
                "could not re-append entry {0} for its retry; trying again: {1}",
                again.id(),
                e.getMessage());
        pause(partition, record.offset(), clock.instant().plusSeconds(1));
        return false;
    }

    /** Commits, per partition, up to the first entry still held or not handled. */
    private void commit() {
        Map<TopicPartition, OffsetAndMetadata> due = new HashMap<>();
        handled.forEach((partition, next) -> {
            long upTo = Math.min(next, holds.firstHeldOffset(partition).orElse(Long.MAX_VALUE));
            if (upTo > committed.getOrDefault(partition, -1L)) {
                due.put(partition, new OffsetAndMetadata(upTo));
            }
        });
        if (!due.isEmpty()) {
            consumer.commitSync(due);
            due.forEach((partition, offset) -> committed.put(partition, offset.offset()));
            stall.progressed();
        }
    }

    private void forget(Collection<TopicPartition> partitions) {
        holds.drop(partitions);
        partitions.forEach(p -> {
            pausedUntil.remove(p);
            waitingForDueTime.remove(p);
            handled.remove(p);
            committed.remove(p);
        });
    }

    /**
     * Goes back to the last committed offsets (what was read since is read again). Until it
     * succeeds, {@link #mustRewind} keeps the loop from polling: a poll from the old position would
     * commit past entries that were never settled.
     */
    private void rewindToCommitted() {
        mustRewind = true;
        try {
            var assigned = consumer.assignment();
            Map<TopicPartition, OffsetAndMetadata> last = consumer.committed(assigned, Duration.ofSeconds(10));
            forget(List.copyOf(assigned));
            for (TopicPartition p : assigned) {
                OffsetAndMetadata c = last.get(p);
                if (c != null) {
                    consumer.seek(p, c.offset());
                } else {
                    consumer.seekToBeginning(List.of(p));
                }
            }
            consumer.resume(assigned);
            mustRewind = false;
        } catch (RuntimeException e) {
            if (e instanceof WakeupException) {
                throw e;
            }
            LOG.log(Level.WARNING, "could not rewind " + namespace.name() + " yet: " + e.getMessage());
        }
    }

    private void deadLetter(byte[] key, Attempts.Verdict.Dead dead) {
        LOG.log(
                Level.WARNING,
                "entry {0} of {1} dead-lettered after attempt {2}, {3}: {4} {5}",
                dead.dead().id(),
                namespace.name(),
                dead.dead().attempt(),
                dead.why(),
                dead.code(),
                dead.message());
        deadLetter(key, EnvelopeCodec.encode(dead.dead()), dead.dead(), dead.code(), dead.message());
    }

    private void deadLetter(byte[] key, byte[] value, Envelope entry, String code, String message) {
        String dlq = ResourceNames.deadLetterName(
                BackendType.KAFKA, namespace.backend().topic());
        RecordHeaders headers = new RecordHeaders();
        DeadLetterHeaders.of(entry, code, message, region, clock.instant())
                .forEach((name, value2) -> headers.add(name, value2.getBytes(StandardCharsets.UTF_8)));
        try {
            deadLetters
                    .send(new ProducerRecord<>(dlq, null, key, value, headers))
                    .get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Never commit past an entry that is neither applied nor dead-lettered.
            throw new IllegalStateException("cannot write to the dead-letter topic " + dlq + ": " + e.getMessage(), e);
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
        due.forEach(waitingForDueTime::remove);
        // A partition lost in a rebalance is no longer ours to resume.
        due.retainAll(consumer.assignment());
        if (!due.isEmpty()) {
            consumer.resume(due);
        }
    }

    private Duration pollTimeout() {
        Instant now = clock.instant();
        Instant soonest = now.plus(MAX_POLL);
        for (Instant until : pausedUntil.values()) {
            soonest = until.isBefore(soonest) ? until : soonest;
        }
        Instant retry = holds.nextRetry().orElse(soonest);
        soonest = retry.isBefore(soonest) ? retry : soonest;
        return soonest.isAfter(now) ? Duration.between(now, soonest) : Duration.ZERO;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Runnable close) {
        try {
            close.run();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "closing: " + e.getMessage());
        }
    }
}
