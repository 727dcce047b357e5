package io.walgate.consumers.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.walgate.adapter.spi.HandClock;
import io.walgate.adapter.spi.TestNamespaces;
import io.walgate.adapter.spi.Verdict;
import io.walgate.consumers.targets.Target;
import io.walgate.contract.EntryId;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.Lifecycle;
import io.walgate.contract.entry.PayloadRef;
import io.walgate.contract.entry.TargetOp;
import io.walgate.contract.entry.TargetOverride;
import io.walgate.contract.entry.WriteRequest;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.RetryPolicy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The engine's handler: what comes of an apply under the namespace's retry policy. */
class AttemptsTest {
    private final HandClock clock = new HandClock();
    private final NamespaceSpec ns = TestNamespaces.newNamespace(BackendType.KAFKA)
            .withRetry(new RetryPolicy(3, Duration.ofSeconds(2), 2.0, Duration.ofMinutes(1), 0.5));
    private final Map<String, Deque<Target.Applied>> script = new HashMap<>();
    /** The sizes of the target's applyAll calls. */
    private final List<Integer> batches = new ArrayList<>();

    private boolean closed;

    private final Target target = new Target() {
        @Override
        public Applied apply(Envelope entry) {
            Deque<Applied> outcomes = script.get(entry.target().key());
            Applied outcome = outcomes == null ? null : outcomes.poll();
            if (outcome == null) {
                return Applied.done();
            }
            if (outcome instanceof Applied.Failed f && f.code().equals("THROW")) {
                throw new IllegalStateException("a bug");
            }
            return outcome;
        }

        @Override
        public List<Applied> applyAll(List<Envelope> entries) {
            batches.add(entries.size());
            return Target.super.applyAll(entries);
        }

        @Override
        public void close() {
            closed = true;
        }
    };

    /** Draws 0.5: half of the jitter is taken off each wait. */
    private final Attempts attempts = new Attempts(ns, "eu", target, null, new DeliveryEvents() {}, clock, () -> 0.5);

    @Test
    void aTransientFailureIsARetryWithTheNextAttemptDueAfterTheJitteredBackoff() {
        script.put("a", new ArrayDeque<>(List.of(Target.Applied.retry("HTTP_503", "busy"))));

        Verdict verdict = attempts.handle(entry("a"));

        assertThat(verdict).isInstanceOfSatisfying(Verdict.Retry.class, retry -> {
            assertThat(retry.again().attempt()).isEqualTo(2);
            assertThat(retry.again().deliverAt()).isEqualTo(clock.instant().plusMillis(1_500));
            assertThat(retry.again().history().lastErrorCode()).isEqualTo("HTTP_503");
            assertThat(retry.again().region())
                    .as("for the region whose attempt failed: the others read the same log")
                    .isEqualTo("eu");
        });
    }

    @Test
    void theLastAllowedAttemptIsDeadNotRetried() {
        script.put("a", new ArrayDeque<>(List.of(Target.Applied.retry("HTTP_503", "busy"))));
        Envelope third = entry("a").retryAt(clock.instant()).retryAt(clock.instant());

        Verdict verdict = attempts.handle(third);

        assertThat(verdict).isInstanceOfSatisfying(Verdict.Dead.class, dead -> {
            assertThat(dead.code()).isEqualTo("HTTP_503");
            assertThat(dead.why()).isEqualTo("attempts exhausted (3)");
            assertThat(dead.dead().attempt()).isEqualTo(3);
        });
    }

    @Test
    void aPermanentFailureIsDeadAtOnceAndATargetThatThrowsIsOneToo() {
        script.put("bad", new ArrayDeque<>(List.of(Target.Applied.permanent("HTTP_400", "no"))));
        script.put("bug", new ArrayDeque<>(List.of(Target.Applied.permanent("THROW", ""))));

        assertThat(attempts.handle(entry("bad")))
                .isInstanceOfSatisfying(
                        Verdict.Dead.class, dead -> assertThat(dead.why()).isEqualTo("permanent failure"));
        assertThat(attempts.handle(entry("bug")))
                .isInstanceOfSatisfying(
                        Verdict.Dead.class, dead -> assertThat(dead.code()).isEqualTo(Attempts.UNEXPECTED_ERROR));
    }

    @Test
    void aBatchGetsOneVerdictPerEntryInOrder() {
        script.put("b", new ArrayDeque<>(List.of(Target.Applied.retry("HTTP_503", "busy"))));
        script.put("c", new ArrayDeque<>(List.of(Target.Applied.permanent("HTTP_400", "no"))));

        List<Verdict> verdicts = attempts.handleAll(List.of(entry("a"), entry("b"), entry("c"), entry("d")));

        assertThat(verdicts)
                .extracting(v -> v.getClass().getSimpleName())
                .containsExactly("Done", "Retry", "Dead", "Done");
    }

    @Test
    void aBatchReachesTheTargetTogetherAndAClaimCheckIsAppliedAloneInItsPlace() {
        Envelope claimChecked = entry("big").withPayloadStored(new PayloadRef(PayloadRef.POSTGRES, 1, new byte[32]));

        List<Verdict> verdicts =
                attempts.handleAll(List.of(entry("a"), entry("b"), claimChecked, entry("c"), entry("d")));

        assertThat(batches).as("one applyAll on each side of it").containsExactly(2, 2);
        assertThat(verdicts.get(2))
                .as("no payload store here: a transient failure")
                .isInstanceOfSatisfying(
                        Verdict.Retry.class,
                        retry -> assertThat(retry.again().history().lastErrorCode())
                                .isEqualTo("NO_PAYLOAD_STORE"));
    }

    @Test
    void anEntryBoundOutsideItsNamespaceIsDeadLetteredInItsPlaceAndNeverReachesTheTarget() {
        List<String> applied = new ArrayList<>();
        Target recording = new Target() {
            @Override
            public Applied apply(Envelope entry) {
                applied.add(entry.target().key());
                return Applied.done();
            }

            @Override
            public void close() {}
        };
        // The admin granted paths under orders/ when the entry was written, and has narrowed it since.
        NamespaceSpec narrowed = ns.withTarget(ns.target().withAllow(Map.of("path", List.of("orders/eu"))));
        Attempts strict = new Attempts(narrowed, "eu", recording, null, new DeliveryEvents() {}, clock, () -> 0.5);

        List<Verdict> verdicts = strict.handleAll(
                List.of(entry("a"), entry("b", Map.of("path", "orders/us")), entry("c", Map.of("path", "orders/eu"))));

        assertThat(verdicts.get(1)).isInstanceOfSatisfying(Verdict.Dead.class, dead -> {
            assertThat(dead.code()).isEqualTo(Attempts.TARGET_NOT_ALLOWED);
            assertThat(dead.why()).isEqualTo("permanent failure");
        });
        assertThat(verdicts.get(0)).isInstanceOf(Verdict.Done.class);
        assertThat(verdicts.get(2)).isInstanceOf(Verdict.Done.class);
        assertThat(applied).containsExactly("a", "c");
        assertThat(strict.handle(entry("d", Map.of("path", "admin")))).isInstanceOf(Verdict.Dead.class);
        assertThat(applied).containsExactly("a", "c");
    }

    @Test
    void metricsCodeThatThrowsNeverChangesAVerdict() {
        DeliveryEvents broken = new DeliveryEvents() {
            @Override
            public void attempted(Envelope entry, String outcome, String code, Duration took, Duration lateness) {
                throw new ArithmeticException("long overflow");
            }
        };
        Attempts withBrokenMetrics = new Attempts(ns, "eu", target, null, broken, clock, () -> 0.5);

        assertThat(withBrokenMetrics.handle(entry("a"))).isInstanceOf(Verdict.Done.class);
        assertThat(withBrokenMetrics.handleAll(List.of(entry("b"), entry("c"))))
                .allSatisfy(v -> assertThat(v).isInstanceOf(Verdict.Done.class));
    }

    @Test
    void closingTheHandlerClosesItsTarget() {
        attempts.close();

        assertThat(closed).isTrue();
    }

    private Envelope entry(String key) {
        return entry(key, Map.of());
    }

    private Envelope entry(String key, Map<String, String> options) {
        WriteRequest request = new WriteRequest(
                ns.name(),
                Lifecycle.immediate(),
                new byte[] {1},
                new TargetOverride(key, TargetOp.PUT, options),
                key,
                null,
                Map.of(),
                "text/plain");
        return Envelope.accept(request, new EntryId.Generator().next(), clock.instant(), clock.instant(), null);
    }
}
