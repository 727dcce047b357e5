package io.walgate.controller.api;

/**
 * What a purge or a discard did.
 *
 * @param matched dead letters the filter matched
 * @param discarded of those, discarded now (0 on a dry run)
 * @param notRemoved SQS messages that were not found in their queue: left in the index, as dead
 */
public record PurgeResult(boolean dryRun, int matched, int discarded, int notRemoved) {}
