package io.walgate.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EntryIdTest {

    /** A clock whose millisecond the test sets. */
    private static final class ManualClock extends Clock {
        final AtomicLong millis = new AtomicLong(1_790_000_000_000L);

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    }

    @Test
    void idsAreVersion7AndCarryTheirMillisecond() {
        ManualClock clock = new ManualClock();
        EntryId id = new EntryId.Generator(clock).next();
        assertThat(id.uuid().version()).isEqualTo(7);
        assertThat(id.uuid().variant()).isEqualTo(2);
        assertThat(id.timestamp()).isEqualTo(Instant.ofEpochMilli(clock.millis.get()));
    }

    @Test
    void idsIssuedInOneMillisecondStillIncreaseStrictly() {
        EntryId.Generator generator = new EntryId.Generator(new ManualClock());
        List<EntryId> ids = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) { // more than fit in one millisecond's counter
            ids.add(generator.next());
        }
        for (int i = 1; i < ids.size(); i++) {
            assertThat(ids.get(i)).isGreaterThan(ids.get(i - 1));
            // and their text sorts the same way, so stores that sort strings keep time order
            assertThat(ids.get(i).toString()).isGreaterThan(ids.get(i - 1).toString());
        }
    }

    @Test
    void aClockThatStepsBackDoesNotMakeIdsGoBack() {
        ManualClock clock = new ManualClock();
        EntryId.Generator generator = new EntryId.Generator(clock);
        EntryId before = generator.next();
        clock.millis.addAndGet(-5_000);
        assertThat(generator.next()).isGreaterThan(before);
    }

    @Test
    void laterMillisecondsSortLaterEvenAcrossTheSignBitOfTheHighWord() {
        EntryId early = new EntryId(new UUID(0x7000_0000_0000_7000L, 0x8000_0000_0000_0000L));
        EntryId late = new EntryId(new UUID(0x8000_0000_0000_7000L, 0x8000_0000_0000_0000L));
        assertThat(late).isGreaterThan(early);
    }

    @Test
    void theTextFormRoundTripsAndAnythingElseIsRefused() {
        EntryId id = new EntryId.Generator().next();
        assertThat(EntryId.parse(id.toString())).isEqualTo(id);
        assertThatThrownBy(() -> EntryId.parse("not-an-id")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EntryId.parse(UUID.randomUUID().toString()))
                .as("a v4 UUID is not an entry id")
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("UUIDv7");
        assertThatThrownBy(() -> EntryId.parse("1-1-7001-1-1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyTheCanonicalSpellingOfAnIdIsAnId() {
        String text = new EntryId.Generator().next().toString();
        assertThat(EntryId.parse(text.toUpperCase(Locale.ROOT)).toString())
                .as("hex digits of either case")
                .isEqualTo(text);
        // Each of these is a UUID to UUID.fromString, and would be a second spelling of some id.
        String signed = "+" + text.substring(1);
        String shifted = text.substring(0, 8) + text.charAt(9) + "-" + text.substring(10);
        String arabicDigit = "\u0660" + text.substring(1);
        for (String other : new String[] {signed, shifted, arabicDigit}) {
            assertThatThrownBy(() -> EntryId.parse(other)).as(other).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
