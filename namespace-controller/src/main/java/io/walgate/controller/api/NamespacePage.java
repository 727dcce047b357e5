package io.walgate.controller.api;

import java.util.List;

/**
 * One page of a namespace listing.
 *
 * @param items namespaces in name order
 * @param nextPageToken pass as {@code pageToken} for the next page; absent on the last one
 */
public record NamespacePage(List<NamespaceView> items, String nextPageToken) {}
