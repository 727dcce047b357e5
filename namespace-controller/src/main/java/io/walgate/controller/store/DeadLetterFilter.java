package io.walgate.controller.store;

import java.time.Instant;
import java.util.List;

/**
 * Which dead letters of a namespace: every field optional (null: any).
 *
 * @param key a partition key or target key
 * @param since dead at or after
 * @param until dead before
 * @param entryIds only these entries
 */
public record DeadLetterFilter(
        String region, String errorCode, String key, Instant since, Instant until, List<String> entryIds) {
    public static final DeadLetterFilter ALL = new DeadLetterFilter(null, null, null, null, null, null);

    public DeadLetterFilter {
        entryIds = entryIds == null ? null : List.copyOf(entryIds);
    }
}
