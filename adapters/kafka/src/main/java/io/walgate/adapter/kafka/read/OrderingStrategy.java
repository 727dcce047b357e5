package io.walgate.adapter.kafka.read;

import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.EnvelopeCodec;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How a Kafka delivery hands a poll's records to its target and settles them: one implementation
 * per ordering mode ({@link UnorderedStrategy} for {@code NONE}, {@link KeyOrderedStrategy} for
 * {@code KEY}).
 *
 * <ol>
 *   <li>Called on the delivery's thread only, one poll at a time; applies may run on {@link Lanes},
 *       but settling is always done here, by {@link #deliver} or {@link #collect}.
 *   <li>Every record it settles (applied, re-appended, dead-lettered, held, or passed over as
 *       another region's) goes to the {@link OffsetLedger}, in offset order per partition; a record
 *       it does not settle has its partition paused at it ({@link Pauses}), so it is read again.
 *   <li>What it puts back onto the log (a retry, a move down the ladder) is this region's only
 *       ({@code Envelope.region}): every region reads the same topics.
 *   <li>Records held in memory are reported by {@link #firstHeld}: the commit stops at them.
 *   <li>Once {@code running} turns false it starts nothing new; {@link #finish} settles what is under
 *       way, and what it settled is committed. {@link #forget} waits for what is under way on the
 *       partitions and settles none of it.
 * </ol>
 */
interface OrderingStrategy {
    /** Applies the due records of a poll, moves the released ones, and pauses at the rest. */
    void deliver(ConsumerRecords<byte[], byte[]> records);

    /** Settles what finished applying since the last call (strategies that apply off the thread). */
    default void collect() {}

    /** Whether applies are under way or waiting for a lane: the next poll should not wait long. */
    default boolean busy() {
        return false;
    }

    /** Whether applies are running (not only waiting for a lane). */
    default boolean applying() {
        return false;
    }

    /** Waits for the applies of {@code partitions} and settles them: before a commit that must hold. */
    default void finish(Collection<TopicPartition> partitions) {}

    /** Retries the held entries whose backoff is over. */
    default void retryHeld() {}

    /** How many entries are held in memory. */
    default int held() {
        return 0;
    }

    /** The offset of the first entry of {@code partition} held in memory, if any. */
    default OptionalLong firstHeld(TopicPartition partition) {
        return OptionalLong.empty();
    }

    /** When the next held entry is to be retried. */
    default Optional<Instant> nextRetry() {
        return Optional.empty();
    }

    /**
     * What to note in the commit of {@code partition} at {@code commit} when it is handed over (a
     * stop, a rebalance), {@code settledUpTo} being the offset after its last settled record; empty
     * for none. The note is told to whoever reads the partition next ({@link #resumeFrom}).
     */
    default Optional<String> handOverNote(TopicPartition partition, long commit, long settledUpTo) {
        return Optional.empty();
    }

    /** Whether it wants the commits (and their notes) its partitions resume from. */
    default boolean readsNotes() {
        return false;
    }

    /** {@code partition} is read from {@code committed} (with the note its last owner left). */
    default void resumeFrom(TopicPartition partition, OffsetAndMetadata committed) {}

    /** The partitions are read from elsewhere than their commit: notes of their last owner no longer hold. */
    default void dropNotes(Collection<TopicPartition> partitions) {}

    /** The partitions are no longer ours, or are read again from their last commit. */
    default void forget(Collection<TopicPartition> partitions) {}

    /** What a strategy settles records with; shared with the delivery that owns it. */
    record Parts(
            String region,
            Lanes lanes,
            DelayLadder ladder,
            Pauses pauses,
            OffsetLedger ledger,
            Reappender reappender,
            DeadLetterWriter deadLetters,
            Clock clock,
            BooleanSupplier running) {}

    /**
     * A record's envelope, or a reason it is none; {@code elsewhere} when the entry is for another
     * region only (another region's retry): it is settled as it is, neither applied nor moved.
     */
    record Decoded(Envelope entry, String malformed, boolean elsewhere) {
        static Decoded of(ConsumerRecord<byte[], byte[]> record, String region) {
            try {
                Envelope entry = EnvelopeCodec.decode(record.value());
                return new Decoded(entry, null, !entry.isFor(region));
            } catch (EnvelopeCodec.MalformedEnvelopeException e) {
                return new Decoded(null, e.getMessage(), false);
            }
        }
    }
}
