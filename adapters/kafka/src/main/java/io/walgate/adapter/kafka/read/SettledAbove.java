package io.walgate.adapter.kafka.read;

import java.util.Collections;
import java.util.Optional;
import java.util.SortedSet;
import java.util.StringJoiner;
import java.util.TreeSet;

/**
 * What a delivery ordered {@code KEY} settled past its commit when it handed a partition over (a
 * stop, a rebalance), carried in the commit's metadata: every record from the commit up to {@code
 * upTo} was settled except the {@code held} ones (entries held back behind a failing key). The next
 * owner delivers the held ones and skips the rest, so a stop with one key held does not deliver the
 * other keys' entries twice. At least once still holds: only settled records are skipped, and a
 * commit without a note (too many held entries to fit, an older worker) delivers everything from
 * the commit, as before.
 *
 * @param upTo the offset after the last settled record
 * @param held the held offsets, from the commit on (the commit itself is the first)
 */
record SettledAbove(long upTo, SortedSet<Long> held) {
    /** Kafka keeps up to 4 KiB of metadata per committed offset (offset.metadata.max.bytes). */
    static final int MAX_NOTE = 4000;

    private static final String PREFIX = "walgate.settled.v1:";

    SettledAbove {
        held = Collections.unmodifiableSortedSet(new TreeSet<>(held));
    }

    /** Whether the record at {@code offset} was settled before (and so is not delivered again). */
    boolean skips(long offset) {
        return offset < upTo && !held.contains(offset);
    }

    /**
     * The note for a commit at {@code commit}: {@code upTo} and the held offsets as distances from
     * the commit, in base 36; empty when it would not fit.
     */
    Optional<String> note(long commit) {
        StringJoiner offsets = new StringJoiner(",");
        for (long offset : held) {
            offsets.add(Long.toString(offset - commit, 36));
        }
        String note = PREFIX + Long.toString(upTo - commit, 36) + ":" + offsets;
        return note.length() <= MAX_NOTE ? Optional.of(note) : Optional.empty();
    }

    /** The note of a commit at {@code commit}, if it carries one this version understands. */
    static Optional<SettledAbove> of(long commit, String metadata) {
        if (metadata == null || !metadata.startsWith(PREFIX)) {
            return Optional.empty();
        }
        try {
            String[] parts = metadata.substring(PREFIX.length()).split(":", -1);
            long upTo = commit + Long.parseLong(parts[0], 36);
            SortedSet<Long> held = new TreeSet<>();
            if (parts.length > 1 && !parts[1].isEmpty()) {
                for (String distance : parts[1].split(",")) {
                    held.add(commit + Long.parseLong(distance, 36));
                }
            }
            return Optional.of(new SettledAbove(upTo, held));
        } catch (RuntimeException e) {
            return Optional.empty(); // not ours, or damaged: deliver everything from the commit
        }
    }
}
