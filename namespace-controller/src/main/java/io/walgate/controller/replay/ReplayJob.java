package io.walgate.controller.replay;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * An operator's replay job as stored (docs/operations.md).
 *
 * @param request what was asked, as JSON: the filter for dead letters; from, to, region and skip
 *     for a log
 * @param highWater dead letters: the index rows the job covers are those with an id up to it
 * @param position how far it got: dead letters, the last index row done; a log, each partition's
 *     next offset (JSON)
 * @param message why it failed or ended early, or what it could not find; may be null
 */
public record ReplayJob(
        String id,
        String namespace,
        Kind kind,
        State state,
        String request,
        int ratePerSecond,
        boolean dryRun,
        String actor,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        long matched,
        long replayed,
        long skipped,
        long failed,
        Long highWater,
        String position,
        String message) {

    /** What a job puts back on the log. */
    public enum Kind {
        /** Dead letters, from the index and their DLQ. */
        DEAD_LETTERS,
        /** A Kafka log's entries between two times, for one region's target. */
        LOG
    }

    /** Where a job stands. */
    public enum State {
        PENDING,
        RUNNING,
        PAUSED,
        SUCCEEDED,
        FAILED,
        CANCELLED;

        /** The states of a job that holds its namespace: at most one per namespace. */
        public static final Set<State> LIVE = EnumSet.of(PENDING, RUNNING, PAUSED);

        public boolean live() {
            return LIVE.contains(this);
        }
    }
}
