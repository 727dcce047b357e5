package io.walgate.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.walgate.contract.ErrorCode;
import io.walgate.contract.Violation;
import io.walgate.contract.namespace.BackendSpec;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.DeliverySpec;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.RegionTarget;
import io.walgate.contract.namespace.RetryPolicy;
import io.walgate.contract.namespace.TargetSpec;
import io.walgate.contract.namespace.TargetType;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetentionRuleTest {

    @Test
    void theRetrySpanIsTheSumOfTheBackoffsBeforeEachRetryCappedAtMaxBackoff() {
        // waits of 1, 2, 4, 8, 10, 10 s before retries 1..6 of 7 attempts
        RetryPolicy retry = new RetryPolicy(7, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(10)).withDefaults();

        assertThat(RetentionRule.retrySpan(retry)).isEqualTo(Duration.ofSeconds(35));
        assertThat(RetentionRule.retrySpan(
                        new RetryPolicy(1, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(10)).withDefaults()))
                .isZero();
    }

    @Test
    void theDefaultsFitKafkasDefaultRetentionAndSqsFourteenDays() {
        assertThat(RetentionRule.check(spec(BackendType.KAFKA, null, null), Optional.of(Duration.ofDays(7))))
                .isEmpty();
        assertThat(RetentionRule.check(spec(BackendType.SQS, null, null), Optional.of(Duration.ofDays(14))))
                .isEmpty();
    }

    @Test
    void aLogThatKeepsEntriesForeverFitsAnyWait() {
        assertThat(RetentionRule.check(spec(BackendType.KAFKA, Duration.ofDays(30), null), Optional.empty()))
                .isEmpty();
    }

    @Test
    void onKafkaABackoffThatWaitsInATierLongerThanTheRetentionIsRefused() {
        RetryPolicy retry = new RetryPolicy(3, Duration.ofSeconds(1), 2.0, Duration.ofHours(6));

        assertThat(RetentionRule.check(
                        spec(BackendType.KAFKA, Duration.ofMinutes(30), retry), Optional.of(Duration.ofHours(1))))
                .extracting(Violation::field, Violation::code)
                .containsExactly(tuple("retry.maxBackoff", ErrorCode.INVALID_BACKOFF));
    }

    private static NamespaceSpec spec(BackendType backend, Duration maxDelay, RetryPolicy retry) {
        return new NamespaceSpec(
                        "rule",
                        null,
                        "team",
                        null,
                        new BackendSpec(backend, null, backend == BackendType.KAFKA ? 3 : null),
                        new DeliverySpec(null, maxDelay),
                        retry,
                        new TargetSpec(TargetType.HTTP, Map.of("local", new RegionTarget("http://127.0.0.1:1", null))),
                        null,
                        null)
                .withDefaults();
    }
}
