package io.walgate.controller.api;

import io.walgate.contract.namespace.NamespaceSpec;
import java.time.Instant;

/**
 * One entry of the change feed.
 *
 * @param version strictly increasing and gap-free across all namespaces
 * @param name the namespace
 * @param kind CREATED, UPDATED, PAUSED, RESUMED or DELETED
 * @param spec the namespace's spec after the change (state DELETED for a deletion)
 */
public record ChangeView(
        long version, String name, String kind, NamespaceSpec spec, Instant changedAt, String changedBy) {}
