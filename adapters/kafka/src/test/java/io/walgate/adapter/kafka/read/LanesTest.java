package io.walgate.adapter.kafka.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walgate.adapter.spi.EntryHandler;
import io.walgate.adapter.spi.TestEntries;
import io.walgate.adapter.spi.Verdict;
import io.walgate.contract.entry.Envelope;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LanesTest {
    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private final List<Handler> handlers = Collections.synchronizedList(new ArrayList<>());

    /** Records what it was given; may wait at a latch first; fails keys ending in "!". */
    private final class Handler implements EntryHandler {
        final List<List<String>> calls = Collections.synchronizedList(new ArrayList<>());
        volatile CountDownLatch before;
        volatile boolean metTheOthers;
        volatile boolean closed;

        @Override
        public Verdict handle(Envelope entry) {
            return handleAll(List.of(entry)).get(0);
        }

        @Override
        public List<Verdict> handleAll(List<Envelope> entries) {
            try {
                if (before != null) {
                    before.countDown();
                    metTheOthers = before.await(10, TimeUnit.SECONDS);
                }
                if (entries.stream().anyMatch(e -> e.target().key().equals("throw"))) {
                    throw new IllegalStateException("a broken handler");
                }
                calls.add(entries.stream().map(e -> e.target().key()).toList());
                return entries.stream()
                        .map(e -> e.target().key().endsWith("!")
                                ? (Verdict) new Verdict.Dead(e, "BAD", "scripted", "permanent failure")
                                : new Verdict.Done())
                        .toList();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private Handler newHandler() {
        Handler h = new Handler();
        handlers.add(h);
        return h;
    }

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    private static List<Envelope> entries(String... keys) {
        List<Envelope> entries = new ArrayList<>();
        for (String k : keys) {
            entries.add(TestEntries.of("lanes", k, Instant.EPOCH, Instant.EPOCH));
        }
        return entries;
    }

    @Test
    void aLaneAppliesItsEntriesInOrderInOneCallAndAnswersAVerdictForEach() {
        Lanes lanes = new Lanes(this::newHandler, 2, pool, pool);

        List<Verdict> verdicts = lanes.finish(lanes.start(entries("a1", "a2!", "a3")));

        assertThat(verdicts).extracting(v -> v instanceof Verdict.Done).containsExactly(true, false, true);
        assertThat(handlers)
                .singleElement()
                .satisfies(h -> assertThat(h.calls).containsExactly(List.of("a1", "a2!", "a3")));
    }

    @Test
    void lanesRunSideBySideEachWithAHandlerOfItsOwn() {
        // Each apply waits (up to 10 s) until all three are in: only applies run at once all meet.
        CountDownLatch allIn = new CountDownLatch(3);
        Lanes lanes = new Lanes(
                () -> {
                    Handler h = newHandler();
                    h.before = allIn;
                    return h;
                },
                3,
                pool,
                pool);

        List<Lanes.Lane> started =
                List.of(lanes.start(entries("a")), lanes.start(entries("b")), lanes.start(entries("c")));
        started.forEach(lanes::finish);

        assertThat(handlers)
                .hasSize(3)
                .allSatisfy(h -> assertThat(h.metTheOthers)
                        .as("ran while the other lanes ran")
                        .isTrue());
    }

    @Test
    void noMoreLanesThanAllowedAndAHandlerIsReusedOnceItsLaneIsFinished() {
        Lanes lanes = new Lanes(this::newHandler, 2, pool, pool);
        assertThat(handlers).as("the first handler is made at once").hasSize(1);

        Lanes.Lane first = lanes.start(entries("a"));
        Lanes.Lane second = lanes.start(entries("b"));
        assertThat(lanes.hasFree()).isFalse();
        assertThat(lanes.busy()).isEqualTo(2);
        assertThatThrownBy(() -> lanes.start(entries("c"))).isInstanceOf(IllegalStateException.class);

        lanes.finish(first);
        assertThat(lanes.hasFree()).isTrue();
        lanes.finish(lanes.start(entries("c")));
        lanes.finish(second);

        assertThat(handlers).as("two lanes, two handlers").hasSize(2);
        assertThat(lanes.busy()).isZero();
    }

    @Test
    void whatAHandlerThrowsComesOutOfFinishAndItsLaneIsFreeAgain() {
        Lanes lanes = new Lanes(this::newHandler, 1, pool, pool);

        Lanes.Lane broken = lanes.start(entries("throw"));

        assertThatThrownBy(() -> lanes.finish(broken)).hasMessageContaining("a broken handler");
        assertThat(lanes.hasFree()).isTrue();
    }

    @Test
    void closingClosesEveryHandlerMade() {
        Lanes lanes = new Lanes(this::newHandler, 3, pool, pool);
        Lanes.Lane a = lanes.start(entries("a"));
        Lanes.Lane b = lanes.start(entries("b"));
        lanes.finish(a);
        lanes.finish(b);

        lanes.close();

        assertThat(handlers).hasSize(2).allMatch(h -> h.closed);
    }
}
