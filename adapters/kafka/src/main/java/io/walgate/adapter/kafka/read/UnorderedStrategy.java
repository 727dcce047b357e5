package io.walgate.adapter.kafka.read;

import io.walgate.adapter.spi.EntryHandler;
import io.walgate.adapter.spi.Verdict;
import io.walgate.contract.entry.Envelope;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * Ordering {@code NONE}: each partition's due records of a poll are applied together on a lane of
 * their own ({@link Lanes}: one {@link EntryHandler#handleAll}, one transaction where the target
 * can), while the delivery goes on polling the other partitions; the partition is held (not read)
 * until its batch is settled, record by record in log order, by {@link #collect}. A transient
 * failure is re-appended with {@code attempt + 1}, due after its backoff, and everything behind it
 * flows on. A re-append that fails is kept pending ({@link UnorderedReappends}) and tried again on its
 * own; the entries behind it are settled, not applied again. A partition stops at its first entry
 * not yet released, and waits there.
 */
final class UnorderedStrategy implements OrderingStrategy {
    private static final System.Logger LOG = System.getLogger(UnorderedStrategy.class.getName());
    private final Parts parts;
    private final UnorderedReappends reappends;

    UnorderedStrategy(Parts parts) {
        this.parts = parts;
        this.reappends = new UnorderedReappends(parts);
    }

    /** A record of this poll: its envelope (or why it has none), and whether it only moves. */
    private record Polled(ConsumerRecord<byte[], byte[]> record, Decoded decoded, boolean move) {
        boolean applied() {
            return decoded.entry() != null && !move && !decoded.elsewhere();
        }
    }

    /** Where a partition waits: at the record not released yet, until its release. */
    private record Waiting(long offset, Instant until) {}

    /** One partition's share of a poll: its records up to where it waits, if it does. */
    private record Batch(TopicPartition partition, List<Polled> polled, Waiting waiting) {
        List<Envelope> due() {
            return polled.stream()
                    .filter(Polled::applied)
                    .map(p -> p.decoded().entry())
                    .toList();
        }
    }

    /** Batches whose partition is held, waiting for a free lane, in the order they were polled. */
    private final Deque<Batch> queued = new ArrayDeque<>();
    /** Batches being applied, by partition: at most one per partition. */
    private final Map<TopicPartition, InFlight> inFlight = new LinkedHashMap<>();

    private record InFlight(Batch batch, Lanes.Lane lane) {}

    /**
     * Takes a poll: per partition, decodes its records and stops at the first one not released yet;
     * a partition with entries to apply is held (not read) and its batch started on a free lane, or
     * queued for one; the rest (moves down the ladder, records that are no envelope) is settled at
     * once.
     */
    @Override
    public void deliver(ConsumerRecords<byte[], byte[]> records) {
        if (!parts.running().getAsBoolean()) {
            return;
        }
        Instant now = parts.clock().instant();
        for (TopicPartition partition : records.partitions()) {
            List<Polled> polled = new ArrayList<>();
            Waiting waiting = null;
            for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
                Decoded decoded = Decoded.of(record, parts.region());
                if (decoded.entry() == null || decoded.elsewhere()) {
                    polled.add(new Polled(record, decoded, false));
                    continue;
                }
                DelayLadder.Step step = parts.ladder().step(record, decoded.entry(), now);
                if (step instanceof DelayLadder.Step.Wait wait) {
                    waiting = new Waiting(record.offset(), wait.until());
                    break;
                }
                polled.add(new Polled(record, decoded, step instanceof DelayLadder.Step.Move));
            }
            Batch batch = new Batch(partition, polled, waiting);
            if (batch.due().isEmpty()) {
                settle(batch, List.of());
            } else {
                parts.pauses().hold(partition);
                queued.add(batch);
            }
        }
        startQueued();
    }

    /** Settles the batches whose apply is done, in their log order, and starts queued ones. */
    @Override
    public void collect() {
        for (InFlight f : List.copyOf(inFlight.values())) {
            if (f.lane().done()) {
                finish(f);
            }
        }
        startQueued();
    }

    @Override
    public boolean applying() {
        return !inFlight.isEmpty();
    }

    @Override
    public boolean busy() {
        return !inFlight.isEmpty() || !queued.isEmpty();
    }

    /**
     * Waits for the applies of {@code partitions} and settles them (before the partitions go to
     * another owner, or at a stop); their queued batches, never applied, are dropped: they are read
     * again from the commit.
     */
    @Override
    public void finish(Collection<TopicPartition> partitions) {
        queued.removeIf(b -> partitions.contains(b.partition()));
        RuntimeException failed = null;
        for (InFlight f : List.copyOf(inFlight.values())) {
            if (partitions.contains(f.batch().partition())) {
                try {
                    finish(f); // gone from inFlight and its lane freed, whatever it throws
                } catch (RuntimeException e) {
                    // Not settled, so read again; the other batches are still settled.
                    failed = failed == null ? e : failed;
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    private void finish(InFlight f) {
        TopicPartition partition = f.batch().partition();
        inFlight.remove(partition);
        try {
            settle(f.batch(), parts.lanes().finish(f.lane()));
        } finally {
            parts.pauses().release(partition);
        }
    }

    private void startQueued() {
        while (parts.running().getAsBoolean()
                && !queued.isEmpty()
                && parts.lanes().hasFree()) {
            Batch batch = queued.poll();
            if (inFlight.containsKey(batch.partition())) {
                // A held partition is not read: a second batch of it means the bookkeeping broke.
                throw new IllegalStateException("two batches of " + batch.partition() + " at once");
            }
            inFlight.put(batch.partition(), new InFlight(batch, parts.lanes().start(batch.due())));
        }
    }

    /**
     * Settles a batch's records in order with their verdicts; stops at a record it cannot settle
     * (its partition paused there, or a dead letter the DLQ did not take: that throws), else pauses
     * the partition where it waits for a due time. What it sends goes out together and is awaited
     * once, so a batch holds up the other namespaces of a shared consumer for a round trip or two,
     * not one per record: first the dead letters, then the re-appends of the records before the
     * first dead letter that failed. Nothing is sent for a record past where it is bound to stop.
     */
    private void settle(Batch batch, List<Verdict> verdicts) {
        TopicPartition partition = batch.partition();
        List<Polled> polled = batch.polled();
        int n = polled.size();
        Iterator<Verdict> v = verdicts.iterator();
        Verdict[] verdict = new Verdict[n];
        for (int i = 0; i < n; i++) {
            verdict[i] = polled.get(i).applied() ? v.next() : null;
        }
        int stop = reappends.isFull(partition) ? firstReappend(polled, verdict) : n;
        DeadLetterWriter.Pending[] dead = new DeadLetterWriter.Pending[n];
        Future<?>[] sent = new Future<?>[n];
        RuntimeException refused = null;
        for (int i = 0; i < stop; i++) {
            dead[i] = deadLetter(polled.get(i), verdict[i]);
        }
        for (int i = 0; i < stop && refused == null; i++) {
            if (dead[i] != null) {
                try {
                    parts.deadLetters().await(dead[i]);
                } catch (RuntimeException e) {
                    refused = e; // settled up to here, then the delivery fails and rewinds
                    stop = i;
                }
            }
        }
        for (int i = 0; i < stop; i++) {
            Envelope again = reappendOf(polled.get(i), verdict[i]);
            sent[i] = again == null ? null : reappends.start(partition, again);
        }
        for (int i = 0; i < stop; i++) {
            Polled p = polled.get(i);
            Envelope again = reappendOf(p, verdict[i]);
            if (again != null && !reappends.reappend(partition, p.record(), again, sent[i])) {
                return; // read again from the record it stopped at; applied ones apply idempotently
            }
            parts.ledger().settled(partition, p.record().offset());
        }
        if (refused != null) {
            throw refused;
        }
        if (stop < n) {
            // No room for its re-append: read again from it, a second from now.
            long offset = polled.get(stop).record().offset();
            parts.pauses().pause(partition, offset, parts.clock().instant().plus(Reappender.AGAIN_AFTER));
        } else if (batch.waiting() != null) {
            parts.pauses()
                    .waitForDueTime(
                            partition, batch.waiting().offset(), batch.waiting().until());
        }
    }

    /** The dead letter the record is settled by, started; null if it is not one. */
    private DeadLetterWriter.Pending deadLetter(Polled p, Verdict verdict) {
        ConsumerRecord<byte[], byte[]> record = p.record();
        if (p.decoded().entry() == null) {
            return parts.deadLetters()
                    .start(
                            record.key(),
                            record.value(),
                            null,
                            "MALFORMED_ENVELOPE",
                            p.decoded().malformed());
        }
        return verdict instanceof Verdict.Dead dead ? parts.deadLetters().start(record.key(), dead) : null;
    }

    /**
     * What the record is settled by putting back onto the log (a move down the ladder, a retry), if
     * anything. A move is this region's: every region reads the tier, and each moves its own copy.
     */
    private Envelope reappendOf(Polled p, Verdict verdict) {
        if (p.decoded().entry() == null) {
            return null;
        }
        return p.move()
                ? p.decoded().entry().forRegion(parts.region())
                : verdict instanceof Verdict.Retry retry ? retry.again() : null;
    }

    /** Where a partition with no room for more pending re-appends stops: its first re-append. */
    private int firstReappend(List<Polled> polled, Verdict[] verdict) {
        for (int i = 0; i < polled.size(); i++) {
            if (reappendOf(polled.get(i), verdict[i]) != null) {
                return i;
            }
        }
        return polled.size();
    }

    /** Tries the pending re-appends whose time has come, in offset order per partition. */
    @Override
    public void retryHeld() {
        reappends.retryDue();
    }

    @Override
    public int held() {
        return reappends.size();
    }

    @Override
    public OptionalLong firstHeld(TopicPartition partition) {
        return reappends.first(partition);
    }

    @Override
    public Optional<Instant> nextRetry() {
        return reappends.nextRetry();
    }

    @Override
    public void forget(Collection<TopicPartition> partitions) {
        for (InFlight f : List.copyOf(inFlight.values())) {
            if (partitions.contains(f.batch().partition())) {
                // Its handler must be idle before anything else uses it; what it applied is not
                // settled, so it is read (and applied, idempotently) again.
                inFlight.remove(f.batch().partition());
                try {
                    parts.lanes().finish(f.lane());
                } catch (RuntimeException e) {
                    LOG.log(Level.DEBUG, "an apply of a forgotten partition failed: " + e);
                }
            }
        }
        queued.removeIf(b -> partitions.contains(b.partition()));
        int dropped = reappends.forget(partitions);
        if (dropped > 0) {
            // Not lost: their offsets were never committed, so the partitions are read again from
            // the first of them (here or by their next owner); the entries behind them apply again.
            LOG.log(
                    Level.INFO,
                    "{0} retries not yet back on the log are read again from their partitions {1}",
                    dropped,
                    partitions);
        }
    }
}
