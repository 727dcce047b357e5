package io.walgate.adapter.kafka.read;

import static org.assertj.core.api.Assertions.assertThat;

import io.walgate.contract.namespace.Ordering;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/**
 * Ordering NONE with applies off the delivery thread: each partition's batch on a lane of its own,
 * run here by a hand-driven executor, so that what happens while an apply is under way can be seen.
 */
class UnorderedLanesTest {
    /** Runs the applies it was given only when told to, in order. */
    private static final class HandDriven implements Executor {
        final Deque<Runnable> waiting = new ArrayDeque<>();

        @Override
        public void execute(Runnable apply) {
            waiting.add(apply);
        }

        void runNext() {
            waiting.poll().run();
        }
    }

    private final HandDriven applies = new HandDriven();
    private final StrategyRig rig = new StrategyRig(Ordering.NONE, 3, 2, applies);

    @Test
    void aPartitionIsNotReadWhileItsBatchIsAppliedAndTheOthersFlowMeanwhile() {
        rig.deliverOnly(List.of(rig.record(rig.p0, 0, rig.due("a")), rig.record(rig.p0, 1, rig.due("b"))));
        assertThat(rig.consumer.paused()).containsExactly(rig.p0);
        assertThat(rig.applied).isEmpty();

        rig.deliverOnly(List.of(rig.record(rig.p1, 0, rig.due("c"))));
        assertThat(rig.consumer.paused()).containsExactlyInAnyOrder(rig.p0, rig.p1);
        applies.runNext(); // p0's
        applies.runNext(); // p1's
        rig.strategy.collect();

        assertThat(rig.applied).containsExactly("a", "b", "c");
        assertThat(rig.committable()).isEqualTo(Map.of(rig.p0, 2L, rig.p1, 1L));
        assertThat(rig.consumer.paused()).as("both read again").isEmpty();
        assertThat(rig.strategy.busy()).isFalse();
    }

    @Test
    void nothingOfABatchIsSettledBeforeItsApplyIsDone() {
        rig.deliverOnly(List.of(rig.record(rig.p0, 0, rig.due("a"))));

        rig.strategy.collect();

        assertThat(rig.committable()).isEmpty();
        assertThat(rig.strategy.busy()).isTrue();
        assertThat(rig.consumer.paused()).containsExactly(rig.p0);
    }

    @Test
    void aBatchWaitsHeldForAFreeLane() {
        StrategyRig oneLane = new StrategyRig(Ordering.NONE, 3, 1, applies);
        oneLane.deliverOnly(List.of(
                oneLane.record(oneLane.p0, 0, oneLane.due("a")), oneLane.record(oneLane.p1, 0, oneLane.due("c"))));
        assertThat(applies.waiting).as("one lane, one apply").hasSize(1);
        assertThat(oneLane.consumer.paused()).containsExactlyInAnyOrder(oneLane.p0, oneLane.p1);

        applies.runNext();
        oneLane.strategy.collect();

        assertThat(oneLane.applied).containsExactly("a");
        assertThat(oneLane.committable()).isEqualTo(Map.of(oneLane.p0, 1L));
        assertThat(oneLane.consumer.paused()).containsExactly(oneLane.p1);
        assertThat(applies.waiting).as("the next one started").hasSize(1);
    }

    @Test
    void finishingSettlesWhatWasAppliedAndDropsWhatNeverStarted() {
        StrategyRig oneLane = new StrategyRig(Ordering.NONE, 3, 1, applies);
        oneLane.deliverOnly(List.of(
                oneLane.record(oneLane.p0, 0, oneLane.due("a")), oneLane.record(oneLane.p1, 0, oneLane.due("c"))));
        applies.runNext();

        oneLane.strategy.finish(List.of(oneLane.p0, oneLane.p1));

        assertThat(oneLane.applied).containsExactly("a");
        assertThat(oneLane.committable()).isEqualTo(Map.of(oneLane.p0, 1L));
        assertThat(oneLane.strategy.busy()).isFalse();
    }

    @Test
    void aForgottenPartitionsApplyIsNotSettledSoItIsReadAgain() {
        rig.deliverOnly(List.of(rig.record(rig.p0, 0, rig.due("a"))));
        applies.runNext();

        rig.strategy.forget(List.of(rig.p0));

        assertThat(rig.applied).containsExactly("a");
        assertThat(rig.committable())
                .as("read again and applied again, idempotently")
                .isEmpty();
        assertThat(rig.strategy.busy()).isFalse();
    }

    @Test
    void aRetryInABatchIsReappendedWhenTheBatchIsSettled() {
        rig.script("flaky", StrategyRig.Outcome.retry("HTTP_503", "down"));
        rig.deliverOnly(List.of(rig.record(rig.p0, 0, rig.due("flaky")), rig.record(rig.p0, 1, rig.due("b"))));
        applies.runNext();
        assertThat(rig.reappended).as("not before the batch is collected").isEmpty();

        rig.strategy.collect();

        assertThat(rig.reappended)
                .singleElement()
                .satisfies(e -> assertThat(e.attempt()).isEqualTo(2));
        assertThat(rig.committable()).isEqualTo(Map.of(rig.p0, 2L));
    }
}
