package io.walgate.consumers.targets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.walgate.consumers.targets.Target.Applied;
import io.walgate.contract.EntryId;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.Lifecycle;
import io.walgate.contract.entry.TargetOp;
import io.walgate.contract.entry.TargetOverride;
import io.walgate.contract.entry.WriteRequest;
import io.walgate.contract.namespace.RegionTarget;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Target} does, against its real server: a target's {@code *IT} extends this,
 * says where its server is and how to read a key back. The rules are {@link Target}'s numbered
 * guarantees: idempotent by entry id, the state of the last write per key, failures classified as
 * transient or permanent, never an exception, and {@code applyAll} the same as one by one.
 */
public abstract class TargetContract {
    private static final EntryId.Generator IDS = new EntryId.Generator();
    private static final AtomicInteger KEYS = new AtomicInteger();

    protected abstract TargetFactory factory();

    /** A region whose server is up. */
    protected abstract RegionTarget region();

    /** A region where nothing listens. */
    protected abstract RegionTarget unreachableRegion();

    /** What the store holds for {@code key}, as text; empty when nothing (never written, or deleted). */
    protected abstract Optional<String> readBack(String key) throws Exception;

    /**
     * Whether a write that arrives after a newer one of its key is ignored (the store keeps each
     * key's write time). Targets that pass writes on in order (HTTP, Kafka, another Walgate) do not.
     */
    protected boolean keepsTheNewestWrite() {
        return false;
    }

    /**
     * Something the store changes each time it writes {@code key} (PostgreSQL: the row's {@code
     * updated_at}), to tell a repeat it skipped from a second write; empty when the store shows none.
     */
    protected Optional<String> stamp(String key) throws Exception {
        return Optional.empty();
    }

    /** An entry of {@code key} this target refuses for good, if there is such an entry. */
    protected Optional<Envelope> refusedForGood(String key) {
        return Optional.empty();
    }

    private Target target;
    private String key;

    @BeforeEach
    void makeTheTarget() {
        target = factory().create(region(), TargetContext.of("contract", "local"));
        key = getClass().getSimpleName().toLowerCase() + "-" + KEYS.incrementAndGet() + "-" + System.nanoTime();
    }

    @AfterEach
    void closeTheTarget() {
        target.close();
    }

    @Test
    void aRedeliveredEntryLeavesTheStoreAsOneApplyWould() throws Exception {
        Envelope put = write(key, "once", TargetOp.PUT, null);

        assertThat(target.apply(put)).isInstanceOf(Applied.Done.class);
        Optional<String> first = stamp(key);
        assertThat(target.apply(put)).as("the same entry again").isInstanceOf(Applied.Done.class);

        assertThat(readBack(key)).contains("once");
        assertThat(stamp(key)).as("the repeat was skipped, not written again").isEqualTo(first);
    }

    @Test
    void putsAndDeletesOfOneKeyEndInTheStateOfTheLastWrite() throws Exception {
        for (Envelope e : List.of(
                write(key, "v1", TargetOp.PUT, null),
                write(key, "v2", TargetOp.PUT, null),
                write(key, null, TargetOp.DELETE, null),
                write(key, "v3", TargetOp.PUT, null))) {
            assertThat(target.apply(e)).isInstanceOf(Applied.Done.class);
        }
        assertThat(readBack(key)).contains("v3");

        assertThat(target.apply(write(key, null, TargetOp.DELETE, null))).isInstanceOf(Applied.Done.class);
        assertThat(readBack(key)).isEmpty();
    }

    @Test
    void anOlderWriteArrivingLateNeverOverwritesANewerOne() throws Exception {
        assumeTrue(keepsTheNewestWrite(), "this target passes writes on in order");
        Envelope older = write(key, "older", TargetOp.PUT, null);
        Envelope newer = write(key, "newer", TargetOp.PUT, null);

        assertThat(target.apply(newer)).isInstanceOf(Applied.Done.class);
        assertThat(target.apply(older)).as("nothing to do is done").isInstanceOf(Applied.Done.class);
        assertThat(readBack(key)).contains("newer");

        // A DELETE newer than a late PUT keeps the key deleted, alone and in a batch.
        Envelope put = write(key, "resurrected?", TargetOp.PUT, null);
        Envelope delete = write(key, null, TargetOp.DELETE, null);
        assertThat(target.apply(delete)).isInstanceOf(Applied.Done.class);
        assertThat(target.apply(put)).isInstanceOf(Applied.Done.class);
        assertThat(readBack(key)).isEmpty();
        String other = key + "-batch";
        Envelope first = write(other, "one", TargetOp.PUT, null);
        Envelope lateDelete = write(other, null, TargetOp.DELETE, null);
        Envelope third = write(other, "three", TargetOp.PUT, null);
        assertThat(target.applyAll(List.of(first, third, lateDelete))).allMatch(o -> o instanceof Applied.Done);
        assertThat(readBack(other)).as("the DELETE came late and is older").contains("three");
        String gone = key + "-gone";
        Envelope stale = write(gone, "stale", TargetOp.PUT, null);
        Envelope delete2 = write(gone, null, TargetOp.DELETE, null);
        assertThat(target.applyAll(List.of(delete2, stale))).allMatch(o -> o instanceof Applied.Done);
        assertThat(readBack(gone))
                .as("a newer DELETE first in one batch, on a key never written")
                .isEmpty();

        // The client's own write time decides when it gives one, in a batch too.
        Envelope writtenLast = write(key, "written last", TargetOp.PUT, Instant.parse("2030-01-01T00:00:00Z"));
        Envelope writtenFirst = write(key, "written first", TargetOp.PUT, Instant.parse("2020-01-01T00:00:00Z"));
        assertThat(target.applyAll(List.of(writtenLast, writtenFirst))).allMatch(o -> o instanceof Applied.Done);
        assertThat(readBack(key)).contains("written last");
    }

    @Test
    void anUnreachableServerIsATransientFailureNeverAnException() {
        try (Target unreachable = factory().create(unreachableRegion(), TargetContext.of("contract", "local"))) {
            assertThatCode(() -> assertThat(unreachable.apply(write(key, "v", TargetOp.PUT, null)))
                            .isInstanceOfSatisfying(
                                    Applied.Failed.class,
                                    failed -> assertThat(failed.transientFailure())
                                            .as("%s", failed)
                                            .isTrue()))
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void anEntryRefusedForGoodIsAPermanentFailure() {
        Optional<Envelope> refused = refusedForGood(key);
        assumeTrue(refused.isPresent(), "this target takes every well-formed entry");

        assertThat(target.apply(refused.get()))
                .isInstanceOfSatisfying(
                        Applied.Failed.class,
                        failed -> assertThat(failed.transientFailure())
                                .as("%s", failed)
                                .isFalse());
    }

    @Test
    void applyAllGivesTheSameOutcomesAndStateAsOneByOne() throws Exception {
        String a = key + "-a";
        String b = key + "-b";
        String c = key + "-c";
        List<Envelope> batch = List.of(
                write(a, "a1", TargetOp.PUT, null),
                write(b, "b1", TargetOp.PUT, null),
                write(a, null, TargetOp.DELETE, null),
                write(c, "c1", TargetOp.PUT, null),
                write(b, "b2", TargetOp.PUT, null));

        List<Applied> outcomes = target.applyAll(batch);

        assertThat(outcomes).hasSize(batch.size()).allMatch(o -> o instanceof Applied.Done);
        assertThat(readBack(a)).isEmpty();
        assertThat(readBack(b)).contains("b2");
        assertThat(readBack(c)).contains("c1");
    }

    /** A write of {@code key} accepted now; {@code value} null for a DELETE. */
    protected static Envelope write(String key, String value, TargetOp op, Instant originalWriteTime) {
        return write(key, value, op, originalWriteTime, Map.of());
    }

    /** As {@link #write(String, String, TargetOp, Instant)}, with target options of the entry. */
    protected static Envelope write(
            String key, String value, TargetOp op, Instant originalWriteTime, Map<String, String> options) {
        Instant now = Instant.now();
        WriteRequest request = new WriteRequest(
                "contract",
                new Lifecycle(null, null, null, originalWriteTime),
                value == null ? new byte[0] : value.getBytes(StandardCharsets.UTF_8),
                new TargetOverride(key, op, options),
                key,
                null,
                Map.of(),
                "text/plain");
        return Envelope.accept(request, IDS.next(), now, now, null);
    }
}
