package io.walgate.adapter.kafka.read;

import java.util.Collections;
import java.util.Optional;
import java.util.SortedSet;
import java.util.StringJoiner;
import java.util.TreeSet;

/**
 * What a delivery ordered {@code KEY} settled past its commit when it handed a partition over (a
 * stop, a rebalance), carried in the commit's metadata: every record from {@code commit} up to
 * {@code upTo} was settled except the {@code held} ones (entries held back behind a failing key).
 * The next owner delivers the held ones and skips the rest, so a stop with one key held does not
 * deliver the other keys' entries twice. At least once still holds: only settled records are
 * skipped; a note is read only with the very commit it was written for (a tool that moves the
 * offset and keeps the metadata, as MirrorMaker's offset sync does, makes it void); and a commit
 * without a note (too many held entries to fit, an older worker) delivers everything from the
 * commit, as before.
 *
 * @param commit the committed offset the note belongs to (the first held record)
 * @param upTo the offset after the last settled record
 * @param held the held offsets, from the commit on
 */
record SettledAbove(long commit, long upTo, SortedSet<Long> held) {
    /** Kafka keeps up to 4 KiB of metadata per committed offset (offset.metadata.max.bytes). */
    static final int MAX_NOTE = 4000;

    private static final String PREFIX = "walgate.settled.v2:";

    SettledAbove {
        held = Collections.unmodifiableSortedSet(new TreeSet<>(held));
    }

    /** Whether the record at {@code offset} was settled before (and so is not delivered again). */
    boolean skips(long offset) {
        return offset >= commit && offset < upTo && !held.contains(offset);
    }

    /**
     * The note: the commit, {@code upTo} and the held offsets as distances from the commit, in base
     * 36; empty when it would not fit.
     */
    Optional<String> note() {
        StringJoiner offsets = new StringJoiner(",");
        for (long offset : held) {
            offsets.add(Long.toString(offset - commit, 36));
        }
        String note = PREFIX + Long.toString(commit, 36) + ":" + Long.toString(upTo - commit, 36) + ":" + offsets;
        return note.length() <= MAX_NOTE ? Optional.of(note) : Optional.empty();
    }

    /** The note of the commit {@code committed}, if it carries one of ours written for that very offset. */
    static Optional<SettledAbove> of(long committed, String metadata) {
        if (metadata == null || !metadata.startsWith(PREFIX)) {
            return Optional.empty();
        }
        try {
            String[] parts = metadata.substring(PREFIX.length()).split(":", -1);
            long commit = Long.parseLong(parts[0], 36);
            if (commit != committed) {
                return Optional.empty(); // written for another offset: it says nothing about this one
            }
            long upTo = commit + Long.parseLong(parts[1], 36);
            SortedSet<Long> held = new TreeSet<>();
            if (!parts[2].isEmpty()) {
                for (String distance : parts[2].split(",")) {
                    held.add(commit + Long.parseLong(distance, 36));
                }
            }
            return Optional.of(new SettledAbove(commit, upTo, held));
        } catch (RuntimeException e) {
            return Optional.empty(); // not ours, or damaged: deliver everything from the commit
        }
    }
}
