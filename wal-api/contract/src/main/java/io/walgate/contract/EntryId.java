package io.walgate.contract;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An entry's identity: a UUIDv7 (RFC 9562), so that ids sort by the time they were issued.
 *
 * <p>Ids from one {@link Generator} are strictly increasing, also within a millisecond and when
 * the clock steps back: the 12-bit {@code rand_a} field serves as a counter (RFC 9562, method 1),
 * and a clock that goes backwards is ignored until it catches up.
 */
public record EntryId(UUID uuid) implements Comparable<EntryId> {
    public EntryId {
        Objects.requireNonNull(uuid, "uuid");
        if (uuid.version() != 7) {
            throw new IllegalArgumentException("not a UUIDv7: " + uuid);
        }
    }

    /**
     * Parses the canonical text form.
     *
     * @throws IllegalArgumentException if the text is not a UUIDv7
     */
    public static EntryId parse(String text) {
        UUID uuid;
        try {
            uuid = UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a UUID: " + text, e);
        }
        if (!canonical(text)) {
            // UUID.fromString accepts short groups such as "1-1-1-1-1"; an id is only ever canonical.
            throw new IllegalArgumentException("not a canonical UUID: " + text);
        }
        return new EntryId(uuid);
    }

    /** 8-4-4-4-12 hex digits (of either case): what {@link UUID#toString} makes, without making a string. */
    private static boolean canonical(String text) {
        if (text.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = text.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (dash ? c != '-' : !hex) {
                return false;
            }
        }
        return true;
    }

    /** The millisecond the id was issued in. */
    public Instant timestamp() {
        return Instant.ofEpochMilli(uuid.getMostSignificantBits() >>> 16);
    }

    @Override
    public int compareTo(EntryId other) {
        // UUID.compareTo compares signed longs; UUIDv7 order is the unsigned byte order.
        int high = Long.compareUnsigned(uuid.getMostSignificantBits(), other.uuid.getMostSignificantBits());
        return high != 0
                ? high
                : Long.compareUnsigned(uuid.getLeastSignificantBits(), other.uuid.getLeastSignificantBits());
    }

    @Override
    public String toString() {
        return uuid.toString();
    }

    /** Issues strictly increasing ids; safe for use from many threads. */
    public static final class Generator {
        private static final int COUNTER_MAX = 0xFFF;

        private final Clock clock;
        private final SecureRandom random = new SecureRandom();
        private long lastMillis = -1;
        private int counter;

        public Generator(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
        }

        public Generator() {
            this(Clock.systemUTC());
        }

        public synchronized EntryId next() {
            long now = clock.millis();
            if (now > lastMillis) {
                lastMillis = now;
                // Start each millisecond low in the counter space, leaving room to count up.
                counter = random.nextInt(COUNTER_MAX / 2);
            } else if (counter < COUNTER_MAX) {
                counter++;
            } else {
                // 2048+ ids in one millisecond: borrow the next millisecond rather than repeat.
                lastMillis++;
                counter = 0;
            }
            long msb = (lastMillis << 16) | (0x7L << 12) | counter;
            long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
            return new EntryId(new UUID(msb, lsb));
        }
    }
}
