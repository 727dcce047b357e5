package io.walgate.controller.api;

import java.time.Instant;

/**
 * A namespace's dead letters in one region.
 *
 * @param count dead letters in the index (not discarded)
 * @param oldestDeadAt when the oldest of them died
 */
public record DeadLetterSummary(String region, long count, Instant oldestDeadAt) {}
