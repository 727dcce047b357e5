package io.walgate.controller.api;

import java.util.List;

/**
 * Which dead letters to discard, and why: the listing's filters, or explicit entry ids (then the
 * filters narrow them further). An empty filter matches every dead letter of the namespace.
 *
 * @param since ISO-8601 instant: dead at or after
 * @param until ISO-8601 instant: dead before
 * @param dryRun count what would be discarded, change nothing
 * @param reason why, for the audit log; required unless {@code dryRun}
 */
public record PurgeBody(
        String region,
        String errorCode,
        String key,
        String since,
        String until,
        List<String> entryIds,
        Boolean dryRun,
        String reason) {}
