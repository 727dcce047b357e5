package io.walgate.adapter.spi;

import io.walgate.contract.entry.Envelope;
import java.util.List;

/**
 * Applies due entries to a namespace's target and says what comes of each ({@link Verdict}): the
 * engine's side of a {@link LogReader}'s subscription.
 *
 * <ol>
 *   <li>Called from one thread at a time (the subscription's), with entries that are due, in log
 *       order within each partition.
 *   <li>Blocks until it knows; never throws: whatever goes wrong with an entry is that entry's
 *       verdict.
 *   <li>{@link #handleAll} answers one verdict per entry, in order, the same as {@link #handle}
 *       one by one would (it may apply them in one transaction or round trip).
 *   <li>Closed by the subscription when it ends, after the last call.
 * </ol>
 */
public interface EntryHandler extends AutoCloseable {
    Verdict handle(Envelope entry);

    default List<Verdict> handleAll(List<Envelope> entries) {
        return entries.stream().map(this::handle).toList();
    }

    @Override
    void close();
}
