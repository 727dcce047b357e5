package io.walgate.adapter.spi;

/**
 * What a subscription reports as it goes, for the stall watch, metrics and health. The engine's
 * implementation turns it into metrics and logs.
 *
 * <ol>
 *   <li>Called on the subscription's thread; an implementation must be quick and must not throw.
 *   <li>{@link #position} and {@link #backlog} come every {@code 10 s} or so, from values the
 *       reader already has or asked for off its thread: reporting never blocks delivery.
 *   <li>{@link #deadLettered} comes once per dead letter, after the DLQ acknowledged it and before
 *       its source is settled, so that an index of dead letters misses none that a crash could not
 *       also leave unsettled (and so written again). It may take one database write; it must not
 *       throw, and what it cannot record stays findable in the DLQ itself.
 * </ol>
 */
public interface DeliveryProgress {
    /** The delivered position moved: entries were committed (Kafka) or deleted (SQS). */
    default void progressed() {}

    /** The log or the DLQ failed (not an entry): the subscription goes back and tries again. */
    default void failed(String error) {}

    /**
     * How many due entries wait ({@code -1}: cannot be told) and where the reader stands, for the
     * stall watch. Entries waiting for their due time are not counted.
     */
    default void position(long dueLag, String where) {}

    /**
     * How far behind the delivery is, and how many dead letters its DLQ holds; {@code -1} for what
     * cannot be told. Kafka: entries between the read position and the end of the log and its
     * tiers, plus entries held in memory; SQS: messages ready in the queue.
     */
    default void backlog(long lag, long deadLetters) {}

    /**
     * Entries that were deleted from the log (by retention) before this subscription read them:
     * {@code count} entries of {@code where}. They are gone; the subscription goes on after them.
     */
    default void lost(String where, long count) {}

    /** A dead letter is in the DLQ, at {@code letter.at()}; its source is not settled yet. */
    default void deadLettered(DeadLettered letter) {}
}
