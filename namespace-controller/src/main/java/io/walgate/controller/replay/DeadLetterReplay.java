package io.walgate.controller.replay;

import io.quarkus.logging.Log;
import io.vertx.mutiny.sqlclient.Pool;
import io.walgate.adapter.spi.DeadLetterQueue;
import io.walgate.adapter.spi.DeadLettered.Place;
import io.walgate.adapter.spi.LogAppender;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.EnvelopeCodec;
import io.walgate.contract.entry.Replay;
import io.walgate.contract.namespace.BackendType;
import io.walgate.controller.replay.LetterQueries.Letter;
import io.walgate.controller.replay.ReplayJob.State;
import io.walgate.controller.store.DeadLetterFilter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The work of a dead-letter replay job: its letters, oldest recorded first, read from their DLQ,
 * put back on the namespace's log under their own entry ids, for the region they died in, paced at
 * the job's rate; then marked replayed (with the job's counts and position, in one transaction)
 * and, on SQS, deleted from the DLQ.
 *
 * <ol>
 *   <li>A letter is marked replayed only once its append is durable. A controller that dies between
 *       the append and the mark leaves it dead: the job, resumed, appends it again under the same
 *       id, which a target that records applied ids applies once. No letter is skipped.
 *   <li>A letter whose record is gone (retention), not an envelope, or another entry's, is skipped
 *       and stays in the index as it is.
 *   <li>An append that fails, or a DLQ that does not answer, fails the batch: it is tried again
 *       after a pause, and the job fails after {@link Appends#MAX_FAILED_BATCHES} failed batches in a row,
 *       the letters left dead. A batch stops short when the lease is lost (see {@link
 *       JobLease#held()}).
 * </ol>
 */
final class DeadLetterReplay {
    /** Letters per batch: a fifth of a second's worth at the job's rate, at most this many. */
    private static final int MAX_BATCH = 1000;

    private final Pool pool;
    private final ReplayJobStore jobs;
    private final Function<BackendType, DeadLetterQueue> queues;
    private final Function<BackendType, LogAppender> appenders;
    private final Clock clock;

    DeadLetterReplay(
            Pool pool,
            ReplayJobStore jobs,
            Function<BackendType, DeadLetterQueue> queues,
            Function<BackendType, LogAppender> appenders,
            Clock clock) {
        this.pool = pool;
        this.jobs = jobs;
        this.queues = queues;
        this.appenders = appenders;
        this.clock = clock;
    }

    void run(JobLease lease, DeadLetterFilter filter, boolean resetAttempts) throws InterruptedException {
        ReplayJob job = lease.job();
        long position = job.position() == null ? 0 : Long.parseLong(job.position());
        int batchSize = Math.max(1, Math.min(MAX_BATCH, job.ratePerSecond() / 5));
        Pacer pacer = Pacer.of(job.ratePerSecond());
        int failedBatches = 0;
        while (true) {
            Optional<JobLease.Namespace> ns = lease.next();
            if (ns.isEmpty()) {
                return;
            }
            List<Letter> letters = LetterQueries.next(
                            pool, job.namespace(), filter, position, job.highWater(), batchSize)
                    .await()
                    .atMost(Duration.ofSeconds(30));
            if (letters.isEmpty()) {
                lease.finish(State.SUCCEEDED, null);
                return;
            }
            long started = System.nanoTime();
            Batch batch = replay(lease, ns.get(), letters, pacer, resetAttempts);
            long appended = System.nanoTime();
            long reached =
                    batch.failure == null ? letters.get(letters.size() - 1).id() : position;
            boolean recorded = jobs.progress(
                    job.id(),
                    lease.owner(),
                    batch.replayed.size(),
                    batch.skipped,
                    Long.toString(reached),
                    c -> LetterQueries.replayed(c, job.id(), batch.replayedIds()));
            if (!recorded) {
                return; // another controller has the job now; it appends what was not recorded
            }
            Log.debugf(
                    "replay job %s: %d letters put back in %d ms, recorded in %d ms",
                    job.id(),
                    letters.size(),
                    (appended - started) / 1_000_000,
                    (System.nanoTime() - appended) / 1_000_000);
            lease.counted(batch.replayed.size(), batch.skipped);
            removeFromSqs(batch.replayed);
            position = reached;
            if (batch.failure == STOPPED) {
                return; // paused, cancelled, taken over or shutting down: not a failure of the log
            }
            if (batch.failure == null) {
                failedBatches = 0;
            } else if (!Appends.backOff(lease, ++failedBatches, batch.failure)) {
                return;
            }
        }
    }

    /** A batch cut short because the lease is no longer held ({@link JobLease#held()}). */
    private static final String STOPPED = "stopped: the job is no longer this controller's to run";

    /** What one batch did. */
    private record Batch(List<Letter> replayed, int skipped, String failure) {
        List<Long> replayedIds() {
            return replayed.stream().map(Letter::id).toList();
        }
    }

    private Batch replay(
            JobLease lease, JobLease.Namespace ns, List<Letter> letters, Pacer pacer, boolean resetAttempts)
            throws InterruptedException {
        Map<Place, byte[]> records;
        long started = System.nanoTime();
        try {
            records = read(letters);
            Log.debugf(
                    "replay job %s: %d letters read in %d ms",
                    lease.job().id(), letters.size(), (System.nanoTime() - started) / 1_000_000);
        } catch (RuntimeException e) {
            // A DLQ that did not answer: tried again, as a log that refused.
            return new Batch(List.of(), 0, "reading the DLQ failed: " + e.getMessage());
        }
        ReplayJob job = lease.job();
        LogAppender appender = appenders.apply(ns.spec().backend().type());
        Map<Letter, CompletableFuture<?>> appends = new LinkedHashMap<>();
        int skipped = 0;
        String failure = null;
        for (Letter letter : letters) {
            if (!lease.held()) {
                failure = STOPPED;
                break;
            }
            Envelope entry = entry(letter, records.get(letter.place()));
            if (entry == null) {
                skipped++;
                continue;
            }
            pacer.acquire();
            Envelope again =
                    entry.replayed(new Replay(job.id(), job.actor(), clock.instant()), letter.region(), resetAttempts);
            appends.put(letter, appender.append(ns.spec(), again).toCompletableFuture());
        }
        List<Letter> replayed = new ArrayList<>();
        for (Map.Entry<Letter, CompletableFuture<?>> append : appends.entrySet()) {
            String failed = Appends.failure(append.getValue());
            if (failed == null) {
                replayed.add(append.getKey());
            } else {
                failure = failed;
            }
        }
        return new Batch(replayed, failure == null ? skipped : 0, failure);
    }

    /** The DLQ records of {@code letters}, read from each DLQ at once. */
    private Map<Place, byte[]> read(List<Letter> letters) {
        Map<String, List<Letter>> byQueue = new LinkedHashMap<>();
        letters.forEach(
                l -> byQueue.computeIfAbsent(l.dlq(), q -> new ArrayList<>()).add(l));
        Map<Place, byte[]> records = new HashMap<>();
        byQueue.forEach((queue, some) -> records.putAll(
                queue(some.get(0)).read(queue, some.stream().map(Letter::place).toList())));
        return records;
    }

    /** The entry {@code record} holds if it is {@code letter}'s; null otherwise (gone, or never an envelope). */
    private static Envelope entry(Letter letter, byte[] record) {
        if (record == null || letter.entryId() == null) {
            return null;
        }
        try {
            Envelope e = EnvelopeCodec.decode(record);
            return e.id().toString().equals(letter.entryId()) ? e : null;
        } catch (RuntimeException notAnEnvelope) {
            return null;
        }
    }

    private void removeFromSqs(List<Letter> replayed) {
        Map<String, List<Place>> byQueue = new LinkedHashMap<>();
        replayed.stream()
                .filter(l -> l.place().messageId() != null)
                .forEach(l ->
                        byQueue.computeIfAbsent(l.dlq(), q -> new ArrayList<>()).add(l.place()));
        // A message that stays is harmless: the index says it was replayed, and no job reads it again.
        byQueue.forEach((queue, places) -> queues.apply(BackendType.SQS).remove(queue, places));
    }

    private DeadLetterQueue queue(Letter letter) {
        return queues.apply(letter.place().messageId() == null ? BackendType.KAFKA : BackendType.SQS);
    }
}
