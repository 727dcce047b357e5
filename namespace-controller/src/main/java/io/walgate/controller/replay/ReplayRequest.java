package io.walgate.controller.replay;

import io.walgate.controller.store.DeadLetterFilter;
import java.time.Instant;
import java.util.List;

/**
 * What a job was asked to do, checked, as stored with it ({@link ReplayJob#request()}).
 *
 * @param filter dead letters: which
 * @param resetAttempts dead letters: count attempts afresh ({@code attempts: reset}) or carry on
 * @param from a log: entries logged at or after
 * @param to a log: entries logged before
 * @param region a log: the region whose target gets the entries again
 * @param skip a log: entries not to apply again
 */
public record ReplayRequest(
        DeadLetterFilter filter, boolean resetAttempts, Instant from, Instant to, String region, List<String> skip) {

    static ReplayRequest deadLetters(DeadLetterFilter filter, boolean resetAttempts) {
        return new ReplayRequest(filter, resetAttempts, null, null, null, null);
    }

    static ReplayRequest log(Instant from, Instant to, String region, List<String> skip) {
        return new ReplayRequest(null, true, from, to, region, List.copyOf(skip));
    }
}
