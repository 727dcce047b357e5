package io.walgate.controller.api;

import java.util.List;

/**
 * A dead-letter replay to start: which letters (the listing's filters, or explicit entry ids, which
 * the filters then narrow), how fast, and how.
 *
 * @param since ISO-8601 instant: dead at or after
 * @param until ISO-8601 instant: dead before
 * @param ratePerSecond entries put back per second; the controller's default when absent
 * @param dryRun count what would be replayed, change nothing
 * @param attempts {@code reset} (default): the retry policy starts afresh; {@code keep}: the
 *     attempts so far count, so a letter that fails again goes back to the DLQ after one attempt
 */
public record ReplayBody(
        String region,
        String errorCode,
        String key,
        String since,
        String until,
        List<String> entryIds,
        Integer ratePerSecond,
        Boolean dryRun,
        String attempts) {}
