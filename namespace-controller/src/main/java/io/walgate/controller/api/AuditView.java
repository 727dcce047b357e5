package io.walgate.controller.api;

import java.time.Instant;

/** One line of a namespace's audit log. */
public record AuditView(Instant at, String actor, String action, Long version) {}
