package io.walgate.controller;

import io.walgate.adapter.kafka.KafkaDelayTiers;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.Violation;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An entry must not wait longer than its backend's log keeps it: the backend would drop it unread
 * after the gateway acked it. Checked against {@code LogProvisioner.retention()} on create, replace
 * and dry run.
 *
 * <ol>
 *   <li>{@code delivery.maxDelay} fits the retention on every backend (equal fits: the default P7D
 *       matches Kafka's default retention).
 *   <li>SQS: the worst-case retry span (the sum of the backoffs of every retry, without jitter)
 *       fits too, because a retry may come back as the same message (after its visibility
 *       timeout), whose retention counts from its first send.
 *   <li>Kafka: a retry is a new record in a delay tier, so its clock restarts each time; only the
 *       longest single wait must fit, the tier the longest backoff waits in.
 * </ol>
 */
final class RetentionRule {
    private RetentionRule() {}

    /** What breaks the rule, empty when everything fits (or the log keeps entries forever). */
    static List<Violation> check(NamespaceSpec spec, Optional<Duration> retention) {
        if (retention.isEmpty()) {
            return List.of();
        }
        Duration keeps = retention.get();
        List<Violation> violations = new ArrayList<>();
        Duration maxDelay = spec.delivery().maxDelay();
        if (maxDelay.compareTo(keeps) > 0) {
            violations.add(new Violation(
                    "delivery.maxDelay",
                    ErrorCode.INVALID_MAX_DELAY,
                    "is " + maxDelay + " but the " + backendName(spec) + " log keeps entries for " + keeps
                            + "; a longer delay would be dropped unread. Lower maxDelay" + raise(spec)));
        }
        RetryPolicy retry = spec.retry();
        if (spec.backend().type() == BackendType.SQS) {
            Duration span = retrySpan(retry);
            if (span.compareTo(keeps) > 0) {
                violations.add(new Violation(
                        "retry.maxAttempts",
                        ErrorCode.INVALID_BACKOFF,
                        "the retries of one entry can take " + span + " but the SQS queue keeps a message for " + keeps
                                + "; lower retry.maxAttempts or retry.maxBackoff" + raise(spec)));
            }
        } else {
            Duration longestWait = KafkaDelayTiers.tierFor(retry.maxBackoff()).orElse(Duration.ZERO);
            if (longestWait.compareTo(keeps) > 0) {
                violations.add(new Violation(
                        "retry.maxBackoff",
                        ErrorCode.INVALID_BACKOFF,
                        "a retry waits up to " + longestWait + " in one delay topic but the topics keep records for "
                                + keeps + "; lower retry.maxBackoff" + raise(spec)));
            }
        }
        return violations;
    }

    /** The sum of the waits before each retry: {@code maxAttempts - 1} of them. */
    static Duration retrySpan(RetryPolicy retry) {
        Duration span = Duration.ZERO;
        for (int n = 1; n < retry.maxAttempts(); n++) {
            span = span.plus(retry.backoff(n));
        }
        return span;
    }

    /** The setting that raises the retention, or why none does. */
    private static String raise(NamespaceSpec spec) {
        return spec.backend().type() == BackendType.SQS
                ? " (14 days is the most SQS keeps a message)"
                : " or raise the controller's walgate.controller.kafka.retention";
    }

    private static String backendName(NamespaceSpec spec) {
        return spec.backend().type() == BackendType.SQS ? "SQS queue" : "Kafka topic";
    }
}
