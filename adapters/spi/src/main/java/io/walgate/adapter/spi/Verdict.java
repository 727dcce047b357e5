package io.walgate.adapter.spi;

import io.walgate.contract.entry.Envelope;

/** What comes of a due entry handed to an {@link EntryHandler}: what the log reader does next. */
public sealed interface Verdict {
    /** Applied: the reader settles it (commits past it, deletes its message). */
    record Done() implements Verdict {}

    /**
     * Failed, and may succeed later: {@code again} is the same entry with the failure in its
     * history, {@code attempt + 1}, due after the namespace's backoff. The reader puts it back on
     * the log (or holds it, under {@code KEY} ordering) before it settles the original.
     */
    record Retry(Envelope again) implements Verdict {}

    /**
     * Failed for good (a permanent failure, or the last allowed attempt): the reader writes {@code
     * dead}, with its history, to the namespace's DLQ with {@link DeadLetterHeaders} before it
     * settles the original.
     *
     * @param why for the log: {@code permanent failure} or {@code attempts exhausted (8)}
     */
    record Dead(Envelope dead, String code, String message, String why) implements Verdict {}
}
