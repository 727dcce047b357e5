package io.walgate.controller.api;

import java.util.List;

/**
 * One page of a namespace's dead letters.
 *
 * @param items newest first
 * @param nextPageToken pass as {@code pageToken} for the next page; absent on the last one
 */
public record DeadLetterPage(List<DeadLetterView> items, String nextPageToken) {}
