package io.walgate.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One line of a namespace's audit log.
 *
 * @param version the namespace's version a spec change made; absent for actions on dead letters
 * @param details what an action on dead letters did: filter, counts, reason
 */
public record AuditView(Instant at, String actor, String action, Long version, JsonNode details) {}
