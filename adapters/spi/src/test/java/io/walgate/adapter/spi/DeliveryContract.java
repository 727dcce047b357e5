package io.walgate.adapter.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.walgate.contract.EntryId;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.Lifecycle;
import io.walgate.contract.entry.TargetOp;
import io.walgate.contract.entry.TargetOverride;
import io.walgate.contract.entry.WriteRequest;
import io.walgate.contract.namespace.DeliverySpec;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.Ordering;
import io.walgate.contract.namespace.ResourceNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link LogReader} does, against its real backend: a backend's {@code *IT} extends
 * this, runs its own server and says how to put raw bytes on a log and read a DLQ directly. The
 * handler is the kit's own ({@link RecordingHandler}, scripted verdicts), so no target is needed.
 * Every wait is for a condition (what the handler received, what the DLQ holds), never a sleep.
 */
public abstract class DeliveryContract {
    private static final EntryId.Generator IDS = new EntryId.Generator();
    private static final Duration WAIT = Duration.ofSeconds(60);

    protected abstract LogReader reader();

    protected abstract LogAppender appender();

    protected abstract LogProvisioner provisioner();

    /** Puts {@code bytes} on the namespace's log as they are: a record that is no envelope. */
    protected abstract void appendRaw(NamespaceSpec namespace, byte[] bytes);

    /** {@code count} dead letters of the namespace read straight from its DLQ, or fewer after {@code timeout}. */
    protected abstract List<DeadLetter> readDeadLetters(NamespaceSpec namespace, int count, Duration timeout);

    /** Whether the backend delivers {@code ordering: KEY} (Kafka does, SQS does not). */
    protected boolean supportsKeyOrdering() {
        return false;
    }

    /** A dead letter as it sits in the DLQ: its envelope (null when it was none) and its headers. */
    public record DeadLetter(Envelope entry, Map<String, String> headers) {}

    /** An entry as the handler received it, and when. */
    public record Received(Envelope entry, Instant at) {}

    private final List<Subscription> open = new ArrayList<>();

    @AfterEach
    void stopSubscriptions() throws InterruptedException {
        for (Subscription s : open) {
            s.stop();
        }
        for (Subscription s : open) {
            s.awaitStopped(Duration.ofSeconds(30));
        }
    }

    @Test
    void aStoppedSubscriptionHandsOverNothingMoreAndAReopenedOneGoesOnWhereItStopped() throws Exception {
        NamespaceSpec ns = newNamespace(Ordering.NONE);
        RecordingHandler first = new RecordingHandler();
        Subscription subscription = open(ns, first, new DeliveryProgress() {});
        Set<String> before = append(ns, "before", 10);
        await().atMost(WAIT).until(() -> first.ids().containsAll(before));

        subscription.stop();
        assertThat(subscription.awaitStopped(Duration.ofSeconds(30)))
                .as("stopped")
                .isTrue();
        assertThat(first.closed).as("the handler is closed when it ends").isTrue();
        Set<String> after = append(ns, "after", 10);
        RecordingHandler second = new RecordingHandler();
        open(ns, second, new DeliveryProgress() {});

        await().atMost(WAIT).until(() -> second.ids().containsAll(after));
        assertThat(first.ids()).as("handed over once each, then settled").isEqualTo(before);
        assertThat(first.received).hasSize(10);
        assertThat(second.ids()).as("nothing settled comes back").isEqualTo(after);
    }

    @Test
    void aCleanStopInTheMiddleHandsNothingOverTwice() throws Exception {
        NamespaceSpec ns = newNamespace(Ordering.NONE);
        CountDownLatch tenthReached = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        RecordingHandler first = new RecordingHandler();
        first.onEach = n -> {
            if (n == 10) {
                tenthReached.countDown();
                block(stopped); // the stop lands in the middle of a batch, every time
            }
        };
        Subscription subscription = open(ns, first, new DeliveryProgress() {});
        Set<String> all = append(ns, "k", 60);

        assertThat(tenthReached.await(60, TimeUnit.SECONDS)).isTrue();
        subscription.stop();
        stopped.countDown();
        assertThat(subscription.awaitStopped(Duration.ofSeconds(30))).isTrue();
        RecordingHandler second = new RecordingHandler();
        open(ns, second, new DeliveryProgress() {});

        await().atMost(WAIT).until(() -> union(first.ids(), second.ids()).containsAll(all));
        Set<String> twice = new HashSet<>(first.ids());
        twice.retainAll(second.ids());
        assertThat(twice).as("handed over before and after the stop").isEmpty();
        assertThat(first.received.size() + second.received.size()).isEqualTo(60);
    }

    @Test
    void aDelayedEntryIsNeverHandedOverBeforeItIsDue() throws Exception {
        NamespaceSpec ns = newNamespace(Ordering.NONE);
        RecordingHandler handler = new RecordingHandler();
        open(ns, handler, new DeliveryProgress() {});
        Envelope later = entry(ns, "later", Duration.ofSeconds(3));
        appender().append(ns, later).toCompletableFuture().get(30, TimeUnit.SECONDS);
        Envelope now = entry(ns, "now", null);
        appender().append(ns, now).toCompletableFuture().get(30, TimeUnit.SECONDS);

        await().atMost(WAIT).until(() -> handler.ids().contains(later.id().toString()));
        Received received = handler.first(later.id().toString());
        assertThat(received.at()).as("never early").isAfterOrEqualTo(later.deliverAt());
        assertThat(handler.ids())
                .as("nothing behind it waited for it")
                .contains(now.id().toString());
    }

    @Test
    void aRetryComesBackWithItsNextAttemptNoSoonerThanItsBackoff() throws Exception {
        NamespaceSpec ns = newNamespace(Ordering.NONE);
        Map<String, Instant> retryAt = new ConcurrentHashMap<>();
        RecordingHandler handler = new RecordingHandler();
        handler.verdicts = entry -> {
            if (entry.attempt() > 1) {
                return new Verdict.Done();
            }
            Instant due = Instant.now().plusSeconds(2);
            retryAt.put(entry.id().toString(), due);
            return new Verdict.Retry(
                    entry.withFailure("HTTP_503", "busy", Instant.now()).retryAt(due));
        };
        open(ns, handler, new DeliveryProgress() {});
        Envelope e = entry(ns, "flaky", null);
        appender().append(ns, e).toCompletableFuture().get(30, TimeUnit.SECONDS);

        await().atMost(WAIT).until(() -> handler.count(e.id().toString()) >= 2);
        Received second = handler.received.stream()
                .filter(r -> r.entry().id().equals(e.id()) && r.entry().attempt() == 2)
                .findFirst()
                .orElseThrow();
        assertThat(second.at()).as("not before its backoff").isAfterOrEqualTo(retryAt.get(e.id().toString()));
        assertThat(second.entry().history().lastErrorCode()).isEqualTo("HTTP_503");
    }

    @Test
    void aDeadEntryLandsInTheDlqWithItsHistoryAndTheDepthIsReported() throws Exception {
        NamespaceSpec ns = newNamespace(Ordering.NONE);
        RecordingHandler handler = new RecordingHandler();
        handler.verdicts = entry -> new Verdict.Dead(
                entry.withFailure("HTTP_400", "no such table", Instant.now()),
                "HTTP_400",
                "no such table",
                "permanent failure");
        AtomicLong deadLetters = new AtomicLong(-2);
        List<DeadLettered> indexed = new CopyOnWriteArrayList<>();
        open(ns, handler, new DeliveryProgress() {
            @Override
            public void backlog(long lag, long dead) {
                deadLetters.set(dead);
            }

            @Override
            public void deadLettered(DeadLettered letter) {
                indexed.add(letter);
            }
        });
        Envelope e = entry(ns, "doomed", null);
        appender().append(ns, e).toCompletableFuture().get(30, TimeUnit.SECONDS);

        List<DeadLetter> dead = readDeadLetters(ns, 1, WAIT);
        assertThat(dead).singleElement().satisfies(d -> {
            assertThat(d.entry().id()).isEqualTo(e.id());
            assertThat(d.entry().history().lastErrorMessage()).isEqualTo("no such table");
            assertThat(d.headers())
                    .containsEntry("walgate-error-code", "HTTP_400")
                    .containsEntry("walgate-entry-id", e.id().toString())
                    .containsEntry("walgate-attempts", "1")
                    .containsEntry("walgate-region", "local");
        });
        await().atMost(WAIT).until(() -> deadLetters.get() == 1);
        assertThat(indexed)
                .as("reported for the index, with where the DLQ holds it")
                .singleElement()
                .satisfies(l -> {
                    assertThat(l.entryId()).isEqualTo(e.id().toString());
                    assertThat(l.errorCode()).isEqualTo("HTTP_400");
                    assertThat(l.region()).isEqualTo("local");
                    assertThat(l.at().queue())
                            .isEqualTo(ResourceNames.deadLetterName(
                                    ns.backend().type(), ns.backend().topic()));
                });
    }

    @Test
    void aRecordThatIsNoEnvelopeIsDeadLetteredAndItsNeighboursHandedOver() throws Exception {
        NamespaceSpec ns = newNamespace(Ordering.NONE);
        RecordingHandler handler = new RecordingHandler();
        open(ns, handler, new DeliveryProgress() {});
        Envelope before = entry(ns, "k", null);
        appender().append(ns, before).toCompletableFuture().get(30, TimeUnit.SECONDS);
        appendRaw(ns, "not an envelope".getBytes(StandardCharsets.UTF_8));
        Envelope after = entry(ns, "k", null);
        appender().append(ns, after).toCompletableFuture().get(30, TimeUnit.SECONDS);

        await().atMost(WAIT)
                .until(() -> handler.ids()
                        .containsAll(Set.of(before.id().toString(), after.id().toString())));
        assertThat(readDeadLetters(ns, 1, WAIT)).singleElement().satisfies(d -> {
            assertThat(d.entry()).isNull();
            assertThat(d.headers()).containsEntry("walgate-error-code", "MALFORMED_ENVELOPE");
        });
    }

    @Test
    void underKeyOrderingAFailingKeyHoldsBackItsOwnLaterEntriesOnly() throws Exception {
        assumeTrue(supportsKeyOrdering(), "the backend keeps no order");
        NamespaceSpec ns = newNamespace(Ordering.KEY);
        Envelope k1first = entry(ns, "k1", null);
        Envelope k1second = entry(ns, "k1", null);
        Envelope k2 = entry(ns, "k2", null);
        RecordingHandler handler = new RecordingHandler();
        handler.verdicts = entry -> {
            if (entry.id().equals(k1first.id()) && entry.attempt() == 1) {
                return new Verdict.Retry(entry.withFailure("HTTP_503", "busy", Instant.now())
                        .retryAt(Instant.now().plusSeconds(1)));
            }
            return new Verdict.Done();
        };
        open(ns, handler, new DeliveryProgress() {});
        for (Envelope e : List.of(k1first, k2, k1second)) {
            appender().append(ns, e).toCompletableFuture().get(30, TimeUnit.SECONDS);
        }

        await().atMost(WAIT)
                .until(() -> handler.ids()
                        .containsAll(Set.of(
                                k1first.id().toString(),
                                k1second.id().toString(),
                                k2.id().toString())));
        List<String> k1 = handler.received.stream()
                .filter(r -> r.entry().target().key().equals("k1"))
                .map(r -> r.entry().id() + "#" + r.entry().attempt())
                .toList();
        assertThat(k1)
                .as("the second entry of k1 waits for the first one's retry")
                .containsExactly(k1first.id() + "#1", k1first.id() + "#2", k1second.id() + "#1");
    }

    /** A handler that records what it receives; its verdicts and a hook per call can be scripted. */
    public static final class RecordingHandler implements EntryHandler {
        public final List<Received> received = new CopyOnWriteArrayList<>();
        /** The verdict for an entry; applied ({@link Verdict.Done}) unless scripted. */
        public volatile Function<Envelope, Verdict> verdicts = entry -> new Verdict.Done();
        /** Called with the number of each call before it is answered (1, 2, …); may block. */
        public volatile IntConsumer onEach = n -> {};

        public volatile boolean closed;

        @Override
        public Verdict handle(Envelope entry) {
            received.add(new Received(entry, Instant.now()));
            onEach.accept(received.size());
            return verdicts.apply(entry);
        }

        @Override
        public void close() {
            closed = true;
        }

        public Set<String> ids() {
            Set<String> ids = new HashSet<>();
            received.forEach(r -> ids.add(r.entry().id().toString()));
            return ids;
        }

        int count(String id) {
            return (int) received.stream()
                    .filter(r -> r.entry().id().toString().equals(id))
                    .count();
        }

        Received first(String id) {
            return received.stream()
                    .filter(r -> r.entry().id().toString().equals(id))
                    .findFirst()
                    .orElseThrow();
        }
    }

    protected Subscription open(NamespaceSpec ns, EntryHandler handler, DeliveryProgress progress) {
        // Every lane gets the same recording handler, which is thread-safe.
        Subscription s = reader().open(ns, "local", () -> handler, progress);
        open.add(s);
        return s;
    }

    protected NamespaceSpec newNamespace(Ordering ordering) {
        NamespaceSpec base = TestNamespaces.newNamespace(reader().backend());
        NamespaceSpec ns =
                base.withDelivery(new DeliverySpec(ordering, base.delivery().maxDelay()));
        provisioner().reconcile(ns);
        return ns;
    }

    private Set<String> append(NamespaceSpec ns, String prefix, int count) throws Exception {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < count; i++) {
            Envelope e = entry(ns, prefix + i, null);
            appender().append(ns, e).toCompletableFuture().get(30, TimeUnit.SECONDS);
            ids.add(e.id().toString());
        }
        return ids;
    }

    protected static Envelope entry(NamespaceSpec ns, String key, Duration delay) {
        Instant now = Instant.now();
        WriteRequest request = new WriteRequest(
                ns.name(),
                delay == null ? Lifecycle.immediate() : Lifecycle.after(delay),
                ("value of " + key).getBytes(StandardCharsets.UTF_8),
                new TargetOverride(key, TargetOp.PUT, Map.of()),
                key,
                null,
                Map.of(),
                "text/plain");
        return Envelope.accept(request, IDS.next(), now, delay == null ? now : now.plus(delay), null);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new HashSet<>(a);
        u.addAll(b);
        return u;
    }

    private static void block(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
