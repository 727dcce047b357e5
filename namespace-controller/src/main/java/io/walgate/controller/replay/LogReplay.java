package io.walgate.controller.replay;

import io.smallrye.mutiny.Uni;
import io.walgate.adapter.kafka.KafkaLogHistory;
import io.walgate.adapter.kafka.KafkaLogHistory.Logged;
import io.walgate.adapter.spi.LogAppender;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.EnvelopeCodec;
import io.walgate.contract.entry.Replay;
import io.walgate.contract.namespace.BackendType;
import io.walgate.controller.provision.Provisioners;
import io.walgate.controller.replay.ReplayJob.State;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The work of a log replay job: the entries a namespace's Kafka log holds between two times put on
 * the log again for one region, under their own ids, with their attempts counted afresh, paced at
 * the job's rate, but those the operator asked to skip: so that the region's target, wiped or
 * restored from a backup, gets them again (Netflix's "replay from time T, skipping the bad
 * mutation").
 *
 * <ol>
 *   <li>Each entry once: a retry or a delayed copy of an entry already put back (same id) is
 *       skipped, and so are copies for other regions.
 *   <li>A target that records applied ids applies an entry it recorded before the wipe only if its
 *       records were wiped with it (or restored with the backup): docs/operations.md.
 *   <li>Progress is each partition's next offset, recorded after the batch's appends are durable: a
 *       controller that dies puts the last batch back again (same ids), and skips nothing.
 *   <li>Failures are handled as a dead-letter replay's ({@link DeadLetterReplay}).
 * </ol>
 */
final class LogReplay {
    private static final int BATCH = 200;

    private final ReplayJobStore jobs;
    private final Provisioners backends;
    private final LogPositions positions;
    private final Clock clock;

    LogReplay(ReplayJobStore jobs, Provisioners backends, LogPositions positions, Clock clock) {
        this.jobs = jobs;
        this.backends = backends;
        this.positions = positions;
        this.clock = clock;
    }

    void run(JobLease lease, ReplayRequest request) throws InterruptedException {
        ReplayJob job = lease.job();
        LogPositions.Position position = positions.read(job.position());
        Set<String> skip = new HashSet<>(request.skip());
        Set<String> done = new HashSet<>();
        Pacer pacer = Pacer.of(job.ratePerSecond());
        int failedBatches = 0;
        try (KafkaLogHistory history = backends.logHistory()) {
            while (true) {
                Optional<JobLease.Namespace> ns = lease.next();
                if (ns.isEmpty()) {
                    return;
                }
                String topic = ns.get().spec().backend().topic();
                LogPositions.Position from = new LogPositions.Position(position.next(), position.end());
                List<Logged> records;
                try {
                    records = history.read(topic, from.next(), from.end(), Math.min(BATCH, job.ratePerSecond()));
                } catch (RuntimeException e) {
                    // The log did not answer: tried again, as a log that refused.
                    if (!Appends.backOff(lease, ++failedBatches, "reading the log failed: " + e.getMessage())) {
                        return;
                    }
                    continue;
                }
                if (records.isEmpty()) {
                    // Nothing left, or only markers: record where it ended, then it is done.
                    jobs.progress(job.id(), lease.owner(), 0, 0, positions.write(from), c -> noMore());
                    lease.finish(State.SUCCEEDED, job.message());
                    return;
                }
                LogAppender appender = backends.appender(BackendType.KAFKA);
                List<CompletableFuture<?>> appends = new ArrayList<>();
                Set<String> ids = new LinkedHashSet<>();
                int skipped = 0;
                for (Logged record : records) {
                    if (!lease.held()) {
                        return; // appended but not recorded: whoever runs the job next puts them back again
                    }
                    Envelope entry = entry(record, request.region());
                    String id = entry == null ? null : entry.id().toString();
                    if (entry == null || skip.contains(id) || done.contains(id) || ids.contains(id)) {
                        skipped++;
                        continue;
                    }
                    pacer.acquire();
                    Replay replay = new Replay(job.id(), job.actor(), clock.instant());
                    appends.add(appender.append(ns.get().spec(), entry.replayed(replay, request.region(), true))
                            .toCompletableFuture());
                    ids.add(id);
                }
                String failure = await(appends);
                if (failure == null) {
                    done.addAll(ids);
                    failedBatches = 0;
                    if (!jobs.progress(
                            job.id(), lease.owner(), ids.size(), skipped, positions.write(from), c -> noMore())) {
                        return;
                    }
                    lease.counted(ids.size(), skipped);
                    position = from;
                } else if (!Appends.backOff(lease, ++failedBatches, failure)) {
                    return;
                }
            }
        }
    }

    private static Uni<Void> noMore() {
        return Uni.createFrom().voidItem();
    }

    /** The last failure among {@code appends}, or null when every one is durable. */
    private static String await(List<CompletableFuture<?>> appends) throws InterruptedException {
        String failure = null;
        for (CompletableFuture<?> append : appends) {
            String failed = Appends.failure(append);
            failure = failed == null ? failure : failed;
        }
        return failure;
    }

    /** The entry {@code record} holds, if it is one for {@code region}; null otherwise. */
    private static Envelope entry(Logged record, String region) {
        try {
            Envelope e = EnvelopeCodec.decode(record.value());
            return e.isFor(region) ? e : null;
        } catch (RuntimeException notAnEnvelope) {
            return null;
        }
    }
}
