package io.walgate.controller.api;

import java.util.List;

/**
 * A log replay to start: the entries logged from {@code from} to before {@code to}, applied again to
 * {@code region}'s target, but those of {@code skip}.
 *
 * @param from ISO-8601 instant, required
 * @param to ISO-8601 instant, required
 * @param region required when the namespace has more than one region
 * @param skip entry ids not to apply again (the bad mutation), at most 1000
 */
public record LogReplayBody(
        String from, String to, String region, List<String> skip, Integer ratePerSecond, Boolean dryRun) {}
