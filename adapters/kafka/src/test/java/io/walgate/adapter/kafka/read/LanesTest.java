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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LanesTest {
    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private final List<Handler> handlers = Collections.synchronizedList(new ArrayList<>());

    /** Records what it was given, per call, and by which thread; may wait at a latch first. */
    private final class Handler implements EntryHandler {
        final List<List<String>> calls = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger inside = new AtomicInteger();
        volatile int mostInside;
        volatile CountDownLatch before;
        volatile boolean metTheOthers;
        volatile boolean closed;

        @Override
        public Verdict handle(Envelope entry) {
            return handleAll(List.of(entry)).get(0);
        }

        @Override
        public List<Verdict> handleAll(List<Envelope> entries) {
            mostInside = Math.max(mostInside, inside.incrementAndGet());
            try {
                if (before != null) {
                    before.countDown();
                    metTheOthers = before.await(10, TimeUnit.SECONDS);
                }
                calls.add(entries.stream().map(e -> e.target().key()).toList());
                return entries.stream()
                        .map(e -> e.target().key().endsWith("!")
                                ? (Verdict) new Verdict.Dead(e, "BAD", "scripted", "permanent failure")
                                : new Verdict.Done())
                        .toList();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                inside.decrementAndGet();
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

    private static TopicPartition p(int n) {
        return new TopicPartition("wal.lanes", n);
    }

    private static List<Envelope> entries(String... keys) {
        List<Envelope> entries = new ArrayList<>();
        for (String k : keys) {
            entries.add(TestEntries.of("lanes", k, Instant.EPOCH, Instant.EPOCH));
        }
        return entries;
    }

    @Test
    void eachPartitionGoesToOneLaneInLogOrderAndGetsItsOwnVerdicts() {
        Lanes lanes = new Lanes(this::newHandler, 2, pool);
        Map<TopicPartition, List<Envelope>> due = new LinkedHashMap<>();
        due.put(p(0), entries("a1", "a2!", "a3"));
        due.put(p(1), entries("b1", "b2"));
        due.put(p(2), entries("c1!"));

        Map<TopicPartition, List<Verdict>> verdicts = lanes.handle(due);

        assertThat(verdicts.get(p(0)))
                .extracting(v -> v instanceof Verdict.Done)
                .containsExactly(true, false, true);
        assertThat(verdicts.get(p(1))).allMatch(v -> v instanceof Verdict.Done);
        assertThat(verdicts.get(p(2))).singleElement().isInstanceOf(Verdict.Dead.class);
        // The largest partition has a lane to itself; the two smaller ones share the other, each in order.
        List<List<String>> calls = new ArrayList<>();
        handlers.forEach(h -> calls.addAll(h.calls));
        assertThat(calls).containsExactlyInAnyOrder(List.of("a1", "a2!", "a3"), List.of("b1", "b2", "c1!"));
    }

    @Test
    void partitionsAreAppliedSideBySideEachByAHandlerOfItsOwn() {
        // Each call waits (up to 10 s) until all three are in: only lanes run at once all meet.
        CountDownLatch allIn = new CountDownLatch(3);
        Lanes lanes = new Lanes(
                () -> {
                    Handler h = newHandler();
                    h.before = allIn;
                    return h;
                },
                3,
                pool);
        Map<TopicPartition, List<Envelope>> due = new LinkedHashMap<>();
        for (int i = 0; i < 3; i++) {
            due.put(p(i), entries("k" + i));
        }

        assertThat(lanes.handle(due)).hasSize(3);

        assertThat(handlers).hasSize(3).allSatisfy(h -> {
            assertThat(h.metTheOthers).as("ran while the other lanes ran").isTrue();
            assertThat(h.calls).hasSize(1);
            assertThat(h.mostInside)
                    .as("a handler is used by one thread at a time")
                    .isEqualTo(1);
        });
    }

    @Test
    void noMoreLanesThanAllowedAndHandlersAreMadeOnlyWhenNeeded() {
        Lanes lanes = new Lanes(this::newHandler, 2, pool);
        assertThat(handlers).as("the first handler is made at once").hasSize(1);

        lanes.handle(Map.of(p(0), entries("a")));
        assertThat(handlers).as("one partition needs one lane").hasSize(1);

        Map<TopicPartition, List<Envelope>> due = new LinkedHashMap<>();
        for (int i = 0; i < 6; i++) {
            due.put(p(i), entries("k" + i));
        }
        assertThat(lanes.handle(due)).hasSize(6);
        assertThat(handlers).hasSize(2);
    }

    @Test
    void aLaneThatThrowsFailsTheCallOnlyOnceEveryLaneIsDone() {
        CountDownLatch broke = new CountDownLatch(1);
        AtomicInteger otherLaneDone = new AtomicInteger();
        List<EntryHandler> made = new ArrayList<>();
        Lanes lanes = new Lanes(
                () -> {
                    boolean first = made.isEmpty();
                    EntryHandler h = new EntryHandler() {
                        @Override
                        public Verdict handle(Envelope entry) {
                            if (first) {
                                broke.countDown();
                                throw new IllegalStateException("a broken handler");
                            }
                            try {
                                broke.await(10, TimeUnit.SECONDS); // still at work when the first lane fails
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            otherLaneDone.incrementAndGet();
                            return new Verdict.Done();
                        }

                        @Override
                        public void close() {}
                    };
                    made.add(h);
                    return h;
                },
                2,
                pool);
        Map<TopicPartition, List<Envelope>> due = new LinkedHashMap<>();
        due.put(p(0), entries("a", "b"));
        due.put(p(1), entries("c"));

        assertThatThrownBy(() -> lanes.handle(due)).hasMessageContaining("a broken handler");
        assertThat(otherLaneDone).as("the other lane was waited for").hasValue(1);
    }

    @Test
    void closingClosesEveryHandlerMade() {
        Lanes lanes = new Lanes(this::newHandler, 3, pool);
        Map<TopicPartition, List<Envelope>> due = new LinkedHashMap<>();
        due.put(p(0), entries("a"));
        due.put(p(1), entries("b"));
        lanes.handle(due);

        lanes.close();

        assertThat(handlers).hasSize(2).allMatch(h -> h.closed);
    }
}
