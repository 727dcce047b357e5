package io.walgate.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A replay job as the API shows it.
 *
 * @param kind {@code DEAD_LETTERS} or {@code LOG}
 * @param state PENDING, RUNNING, PAUSED, SUCCEEDED, FAILED or CANCELLED
 * @param request what was asked (filter, attempts; from, to, region, skip)
 * @param matched dead letters the filter matched when the job was made; for a log, records in the
 *     range (entries, and their retries and delayed copies)
 * @param replayed put back on the log
 * @param skipped not put back: a record gone or not an entry, a letter discarded or replayed
 *     meanwhile; for a log, skipped ids, copies and other regions' entries
 * @param failed not put back because the log refused them (the job failed)
 * @param message why it failed or ended early, or what was missing (retention)
 */
public record ReplayView(
        String id,
        String namespace,
        String kind,
        String state,
        boolean dryRun,
        int ratePerSecond,
        JsonNode request,
        long matched,
        long replayed,
        long skipped,
        long failed,
        String actor,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        String message) {}
