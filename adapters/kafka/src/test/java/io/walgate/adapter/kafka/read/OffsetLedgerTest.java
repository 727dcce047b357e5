package io.walgate.adapter.kafka.read;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetLedgerTest {
    private static final TopicPartition P0 = new TopicPartition("wal.orders", 0);
    private static final TopicPartition P1 = new TopicPartition("wal.orders", 1);
    private static final Function<TopicPartition, OptionalLong> NOTHING_HELD = p -> OptionalLong.empty();

    private final OffsetLedger ledger = new OffsetLedger();

    @Test
    void nothingIsCommittableBeforeAnEntryIsSettled() {
        assertThat(ledger.committable(NOTHING_HELD)).isEmpty();
        assertThat(ledger.committed(P0)).isEqualTo(-1);
    }

    @Test
    void theCommitIsTheOffsetAfterTheLastSettledRecordOfEachPartition() {
        ledger.settled(P0, 0);
        ledger.settled(P0, 1);
        ledger.settled(P1, 7);

        assertThat(ledger.committable(NOTHING_HELD))
                .isEqualTo(Map.of(P0, new OffsetAndMetadata(2), P1, new OffsetAndMetadata(8)));
    }

    @Test
    void theCommitStopsAtTheFirstHeldOffsetOfEachPartition() {
        for (long offset = 0; offset < 10; offset++) {
            ledger.settled(P0, offset);
            ledger.settled(P1, offset);
        }

        var due = ledger.committable(p -> p.equals(P0) ? OptionalLong.of(4) : OptionalLong.empty());

        assertThat(due).containsEntry(P0, new OffsetAndMetadata(4)).containsEntry(P1, new OffsetAndMetadata(10));
    }

    @Test
    void whatWasCommittedIsNotOfferedAgainAndACommitNeverMovesBack() {
        ledger.settled(P0, 9);
        ledger.committed(ledger.committable(NOTHING_HELD));
        assertThat(ledger.committable(NOTHING_HELD)).isEmpty();

        // A key failed at offset 3, held since, while the rest of the partition was settled.
        assertThat(ledger.committable(p -> OptionalLong.of(3)))
                .as("behind the commit")
                .isEmpty();
        ledger.committed(Map.of(P0, new OffsetAndMetadata(5)));
        assertThat(ledger.committed(P0)).isEqualTo(10);
    }

    @Test
    void aForgottenPartitionStartsAfreshAndTheOthersKeepTheirPlace() {
        ledger.settled(P0, 3);
        ledger.settled(P1, 3);
        ledger.committed(ledger.committable(NOTHING_HELD));

        ledger.forget(List.of(P0));

        assertThat(ledger.committed(P0)).isEqualTo(-1);
        assertThat(ledger.committed(P1)).isEqualTo(4);
        assertThat(ledger.committable(NOTHING_HELD)).isEmpty();
        ledger.settled(P0, 3); // read again from the commit and settled again
        assertThat(ledger.committable(NOTHING_HELD)).isEqualTo(Map.of(P0, new OffsetAndMetadata(4)));
    }

    @Test
    void anOfferIsMadeOnceWhileInFlightAndAgainWhenTheBrokerRefusesIt() {
        ledger.settled(P0, 4);
        var offered = ledger.committable(NOTHING_HELD);
        assertThat(offered).isEqualTo(Map.of(P0, new OffsetAndMetadata(5)));
        assertThat(ledger.committable(NOTHING_HELD)).as("in flight").isEmpty();

        ledger.settled(P0, 6);
        ledger.refused(offered.keySet());

        assertThat(ledger.committable(NOTHING_HELD))
                .as("offered again, with what was settled since")
                .isEqualTo(Map.of(P0, new OffsetAndMetadata(7)));
        assertThat(ledger.committed(P0)).isEqualTo(-1);
    }

    @Test
    void whatIsInFlightIsStillUnconfirmedUntilTheBrokerAnswers() {
        ledger.settled(P0, 4);
        var offered = ledger.committable(NOTHING_HELD);

        assertThat(ledger.unconfirmed(NOTHING_HELD)).isEqualTo(offered);
        ledger.committed(offered);
        assertThat(ledger.unconfirmed(NOTHING_HELD)).isEmpty();
        assertThat(ledger.committed(P0)).isEqualTo(5);
    }
}
