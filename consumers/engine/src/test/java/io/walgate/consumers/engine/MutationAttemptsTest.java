package io.walgate.consumers.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.walgate.adapter.spi.HandClock;
import io.walgate.adapter.spi.TestNamespaces;
import io.walgate.adapter.spi.Verdict;
import io.walgate.consumers.targets.Target;
import io.walgate.contract.EntryId;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.Lifecycle;
import io.walgate.contract.entry.MutationRequest;
import io.walgate.contract.entry.Mutations;
import io.walgate.contract.entry.TargetOp;
import io.walgate.contract.entry.TargetOverride;
import io.walgate.contract.entry.WriteRequest;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A mutation's marker in the engine: its items applied in order, resumably, once each. */
class MutationAttemptsTest {
    private final HandClock clock = new HandClock();
    private final NamespaceSpec ns = TestNamespaces.newNamespace(BackendType.KAFKA)
            .withRetry(new RetryPolicy(3, Duration.ofSeconds(2), 2.0, Duration.ofMinutes(1), 0.0));
    private final MemoryMutationLedger ledger = new MemoryMutationLedger();
    /** What fails, by key: once, unless it is marked permanent. */
    private final Map<String, Target.Applied> failOnce = new HashMap<>();

    private final List<EntryId> applied = new ArrayList<>();
    private final List<Integer> batches = new ArrayList<>();

    private final Target target = new Target() {
        @Override
        public Applied apply(Envelope entry) {
            Applied failure = failOnce.get(entry.target().key());
            if (failure != null) {
                if (failure instanceof Applied.Failed f && f.transientFailure()) {
                    failOnce.remove(entry.target().key());
                }
                return failure;
            }
            applied.add(entry.id());
            return Applied.done();
        }

        @Override
        public List<Applied> applyUntilFailure(List<Envelope> entries) {
            batches.add(entries.size());
            // Like a transactional target: a transient failure applies nothing of the batch and is
            // reported on its first entry; a permanent one is found one by one.
            for (Envelope e : entries) {
                Applied failure = failOnce.get(e.target().key());
                if (failure instanceof Applied.Failed f && f.transientFailure()) {
                    failOnce.remove(e.target().key());
                    return List.of(failure);
                }
            }
            return Target.super.applyUntilFailure(entries);
        }

        @Override
        public void close() {}
    };

    private final Attempts attempts =
            new Attempts(ns, "eu", target, null, ledger, new DeliveryEvents() {}, clock, () -> 0.5);

    private Envelope marker(int items) {
        List<WriteRequest> list = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            list.add(new WriteRequest(
                    ns.name(),
                    null,
                    new byte[] {(byte) i},
                    new TargetOverride("k" + i, TargetOp.PUT, Map.of()),
                    null,
                    null,
                    Map.of(),
                    null));
        }
        MutationRequest request = new MutationRequest(ns.name(), list, Lifecycle.immediate(), null, Map.of());
        EntryId id = new EntryId.Generator().next();
        ledger.store(id, request);
        return Mutations.marker(request, id, clock.instant(), clock.instant(), null);
    }

    private static List<EntryId> itemIds(EntryId mutation, int from, int to) {
        List<EntryId> ids = new ArrayList<>();
        for (int i = from; i < to; i++) {
            ids.add(Mutations.itemId(mutation, i));
        }
        return ids;
    }

    @Test
    void everyItemIsAppliedInOrderInBoundedBatchesAndTheRegionIsDone() {
        Envelope marker = marker(250);

        assertThat(attempts.handle(marker)).isInstanceOf(Verdict.Done.class);

        assertThat(applied).containsExactlyElementsOf(itemIds(marker.id(), 0, 250));
        assertThat(batches).containsExactly(100, 100, 50);
        assertThat(ledger.state.get(marker.id())).isEqualTo("APPLIED");
        assertThat(ledger.progress.get(marker.id())).isEqualTo(250);
    }

    @Test
    void aTransientFailureHalfWayRetriesTheMarkerWhichResumesAfterTheLastAppliedItem() {
        Envelope marker = marker(250);
        failOnce.put("k150", Target.Applied.retry("PG_57P01", "terminated"));

        Verdict first = attempts.handle(marker);

        assertThat(first).isInstanceOf(Verdict.Retry.class);
        assertThat(ledger.progress.get(marker.id())).as("the batches before").isEqualTo(100);
        assertThat(ledger.lastFailure.get(marker.id()))
                .as("the batch's failure, on its first item")
                .startsWith("100 PG_57P01 at item 100 of 250 (key k100)");
        assertThat(ledger.state.get(marker.id())).isEqualTo("APPLYING");

        Envelope again = ((Verdict.Retry) first).again();
        assertThat(attempts.handle(again)).isInstanceOf(Verdict.Done.class);

        assertThat(applied).as("each item once, in order").containsExactlyElementsOf(itemIds(marker.id(), 0, 250));
        assertThat(ledger.state.get(marker.id())).isEqualTo("APPLIED");
    }

    @Test
    void aPermanentFailureSendsTheMarkerToTheDlqNamingTheItemAndTheRegionIsDeadLettered() {
        Envelope marker = marker(5);
        failOnce.put("k3", Target.Applied.permanent("PG_23514", "check violation"));

        Verdict verdict = attempts.handle(marker);

        assertThat(verdict).isInstanceOfSatisfying(Verdict.Dead.class, dead -> {
            assertThat(dead.code()).isEqualTo("PG_23514");
            assertThat(dead.message()).startsWith("at item 3 of 5 (key k3): check violation");
            assertThat(dead.dead().id()).isEqualTo(marker.id());
        });
        assertThat(ledger.state.get(marker.id())).isEqualTo("DEAD_LETTERED");
        assertThat(applied).as("the items before it, none after").containsExactlyElementsOf(itemIds(marker.id(), 0, 3));
    }

    @Test
    void aMarkerReadAgainAfterItsMutationWasAppliedAppliesNothing() {
        Envelope marker = marker(3);
        attempts.handle(marker);
        applied.clear();

        assertThat(attempts.handle(marker)).isInstanceOf(Verdict.Done.class);
        assertThat(applied).isEmpty();
    }

    @Test
    void aMarkerWhoseMutationWasReclaimedIsDeadLetteredAsMissing() {
        Envelope marker = marker(3);
        ledger.stored.remove(marker.id());

        assertThat(attempts.handle(marker))
                .isInstanceOfSatisfying(
                        Verdict.Dead.class,
                        dead -> assertThat(dead.code()).isEqualTo(MutationApplier.MUTATION_MISSING));
    }

    @Test
    void aMutationStoreThatCannotBeReachedIsATransientFailure() {
        Envelope marker = marker(3);
        ledger.unreachable = true;

        assertThat(attempts.handle(marker))
                .isInstanceOfSatisfying(
                        Verdict.Retry.class,
                        retry -> assertThat(retry.again().history().lastErrorCode())
                                .isEqualTo(MutationApplier.MUTATION_STORE_UNAVAILABLE));
        assertThat(applied).isEmpty();
    }

    @Test
    void anItemTheNamespaceNoLongerGrantsEndsTheMutationAfterTheItemsBeforeIt() {
        Envelope marker = marker(1);
        List<WriteRequest> list = List.of(
                new WriteRequest(
                        ns.name(),
                        null,
                        new byte[0],
                        new TargetOverride("a", TargetOp.PUT, Map.of()),
                        null,
                        null,
                        Map.of(),
                        null),
                new WriteRequest(
                        ns.name(),
                        null,
                        new byte[0],
                        new TargetOverride("b", TargetOp.PUT, Map.of("path", "/elsewhere")),
                        null,
                        null,
                        Map.of(),
                        null));
        MutationRequest request = new MutationRequest(ns.name(), list, Lifecycle.immediate(), null, Map.of());
        ledger.store(marker.id(), request);
        Envelope two = Mutations.marker(request, marker.id(), clock.instant(), clock.instant(), null);

        assertThat(attempts.handle(two)).isInstanceOfSatisfying(Verdict.Dead.class, dead -> {
            assertThat(dead.code()).isEqualTo(Attempts.TARGET_NOT_ALLOWED);
            assertThat(dead.message()).startsWith("at item 1 of 2 (key b): target.options.path");
        });
        assertThat(applied).containsExactly(Mutations.itemId(marker.id(), 0));
    }

    @Test
    void aMarkerAmongOrdinaryEntriesIsAppliedAloneInItsPlace() {
        Envelope before = ordinary("before");
        Envelope marker = marker(2);
        Envelope after = ordinary("after");

        List<Verdict> verdicts = attempts.handleAll(List.of(before, marker, after));

        assertThat(verdicts).allMatch(v -> v instanceof Verdict.Done);
        List<EntryId> expected = new ArrayList<>();
        expected.add(before.id());
        expected.addAll(itemIds(marker.id(), 0, 2));
        expected.add(after.id());
        assertThat(applied).containsExactlyElementsOf(expected);
    }

    private Envelope ordinary(String key) {
        WriteRequest request = new WriteRequest(
                ns.name(),
                null,
                new byte[] {1},
                new TargetOverride(key, TargetOp.PUT, Map.of()),
                key,
                null,
                Map.of(),
                null);
        return Envelope.accept(request, new EntryId.Generator().next(), clock.instant(), clock.instant(), null);
    }
}
