package io.walgate.consumers.targets.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.walgate.consumers.targets.Target;
import io.walgate.consumers.targets.Target.Applied;
import io.walgate.consumers.targets.TargetContext;
import io.walgate.consumers.targets.TargetContract;
import io.walgate.consumers.targets.TargetFactory;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.TargetOp;
import io.walgate.contract.namespace.RegionTarget;
import io.walgate.devstack.DevstackExtension;
import io.walgate.devstack.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TimeZone;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(DevstackExtension.class)
class PostgresTargetIT extends TargetContract {
    private static PostgresServer postgres;
    private static Connection db;

    @BeforeAll
    static void database(PostgresServer server) throws Exception {
        postgres = server;
        postgres.createDatabase("target_contract");
        db = postgres.connect("target_contract");
    }

    @AfterAll
    static void close() throws Exception {
        db.close();
    }

    @Override
    protected TargetFactory factory() {
        return new PostgresTargetFactory();
    }

    @Override
    protected RegionTarget region() {
        return new RegionTarget(url(postgres.port()), null);
    }

    @Override
    protected RegionTarget unreachableRegion() {
        return new RegionTarget(url(1), null);
    }

    @Override
    protected boolean keepsTheNewestWrite() {
        return true;
    }

    @Override
    protected Optional<Envelope> refusedForGood(String key) {
        return Optional.of(write(key, "v", TargetOp.PUT, null, Map.of("table", "orders; DROP TABLE x")));
    }

    @Override
    protected Optional<String> readBack(String key) throws Exception {
        try (PreparedStatement s =
                db.prepareStatement("SELECT convert_from(payload, 'UTF8') FROM walgate_entries WHERE key = ?")) {
            s.setString(1, key);
            ResultSet rs = s.executeQuery();
            return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        }
    }

    @Override
    protected Optional<String> stamp(String key) throws Exception {
        try (PreparedStatement s = db.prepareStatement("SELECT updated_at::text FROM walgate_entries WHERE key = ?")) {
            s.setString(1, key);
            ResultSet rs = s.executeQuery();
            return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        }
    }

    @Test
    void aBatchStoresEachWriteTimeAsItIsWhateverTheWorkersTimeZone() throws Exception {
        TimeZone zone = TimeZone.getDefault();
        // Europe/Berlin's clocks went back at 01:00 UTC on 2024-10-27: 02:30 local happened twice.
        TimeZone.setDefault(TimeZone.getTimeZone("Europe/Berlin"));
        try (Target target = factory().create(region(), TargetContext.of("contract", "local"))) {
            String prefix = "zone-" + System.nanoTime();
            Instant inTheRepeatedHour = Instant.parse("2024-10-27T00:30:00.123456Z");
            List<Envelope> batch = List.of(
                    write(prefix + "-a", "a", TargetOp.PUT, inTheRepeatedHour),
                    write(prefix + "-b", "b", TargetOp.PUT, inTheRepeatedHour));

            assertThat(target.applyAll(batch)).allMatch(a -> a instanceof Target.Applied.Done);

            try (PreparedStatement s = db.prepareStatement(
                    "SELECT to_char(written_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
                            + " FROM walgate_entries WHERE key = ?")) {
                s.setString(1, prefix + "-a");
                ResultSet rs = s.executeQuery();
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(inTheRepeatedHour.toString());
            }
        } finally {
            TimeZone.setDefault(zone);
        }
    }

    @Test
    void aWriteTimeFinerThanAMicrosecondIsStoredAlikeByABatchAndByOneApply() throws Exception {
        try (Target target = factory().create(region(), TargetContext.of("contract", "local"))) {
            String prefix = "micros-" + System.nanoTime();
            // Half a microsecond either way, a carry into the next second, and times far enough from
            // 1970 that microseconds in double precision would no longer be exact.
            for (String at : List.of(
                    "2026-12-03T10:00:00.123456500Z",
                    "2026-12-03T10:00:00.123456499Z",
                    "2026-12-03T10:00:00.999999700Z",
                    "1500-06-01T12:00:00.123456400Z",
                    "9999-06-01T12:00:00.987654600Z")) {
                Instant writtenAt = Instant.parse(at);
                assertThat(target.apply(write(prefix + at + "-one", "a", TargetOp.PUT, writtenAt)))
                        .isInstanceOf(Target.Applied.Done.class);
                assertThat(target.applyAll(List.of(
                                write(prefix + at + "-batch", "b", TargetOp.PUT, writtenAt),
                                write(prefix + at + "-other", "c", TargetOp.PUT, writtenAt))))
                        .allMatch(a -> a instanceof Target.Applied.Done);

                assertThat(writtenAt(prefix + at + "-batch"))
                        .as("rounded to the microsecond as a single apply rounds it, for " + at)
                        .isEqualTo(writtenAt(prefix + at + "-one"))
                        .isEqualTo(Instant.ofEpochSecond(writtenAt.getEpochSecond(), 0)
                                .plusNanos((writtenAt.getNano() + 500) / 1000 * 1000));
            }
        }
    }

    private Instant writtenAt(String key) throws Exception {
        try (PreparedStatement s = db.prepareStatement("SELECT written_at FROM walgate_entries WHERE key = ?")) {
            s.setString(1, key);
            ResultSet rs = s.executeQuery();
            assertThat(rs.next()).as(key).isTrue();
            return rs.getObject(1, OffsetDateTime.class).toInstant();
        }
    }

    @Test
    void lanesCreatingTheSameTablesAtOnceAllApply() throws Exception {
        // A worker's lanes start together on a fresh database: each creates the tables it needs,
        // and none may fail for it (CREATE … IF NOT EXISTS alone is not safe against that).
        for (int round = 0; round < 5; round++) {
            String database = "race_" + round + "_" + System.nanoTime();
            postgres.createDatabase(database);
            RegionTarget fresh = new RegionTarget(
                    "postgresql://127.0.0.1:" + postgres.port() + "/" + database + "?user=postgres", null);
            CyclicBarrier start = new CyclicBarrier(4);
            List<CompletableFuture<List<Target.Applied>>> lanes = new ArrayList<>();
            for (int lane = 0; lane < 4; lane++) {
                Envelope a = write("race-a-" + lane, "a", TargetOp.PUT, null);
                Envelope b = write("race-b-" + lane, "b", TargetOp.PUT, null);
                lanes.add(CompletableFuture.supplyAsync(() -> {
                    try (Target target = factory().create(fresh, TargetContext.of("contract", "local"))) {
                        await(start);
                        return target.applyAll(List.of(a, b));
                    }
                }));
            }
            for (var lane : lanes) {
                assertThat(lane.get()).allMatch(o -> o instanceof Target.Applied.Done);
            }
        }
    }

    @Test
    void aUserAndPasswordInTheUrlsUserInfoReachTheDriverAndNotTheHostName() throws Exception {
        // pgjdbc reads no user info: "postgres:p%40ss@127.0.0.1" would have been a host name.
        String url = region().url().replace("postgresql://", "postgresql://postgres:p%40ss%2Fw%26rd@");
        String key = "userinfo-" + System.nanoTime();
        try (Target target = factory().create(new RegionTarget(url, null), TargetContext.of("contract", "local"))) {
            assertThat(target.apply(write(key, "v", TargetOp.PUT, null))).isInstanceOf(Target.Applied.Done.class);
        }
        assertThat(readBack(key)).contains("v");
    }

    @Test
    void anEntryAimedAtWalgatesOwnTablesFailsForGoodAndTouchesNothing() throws Exception {
        String key = "own-" + System.nanoTime();
        try (Target target = factory().create(region(), TargetContext.of("contract", "local"))) {
            target.apply(write(key, "v", TargetOp.PUT, null)); // the bookkeeping tables exist now
            for (String table : List.of("walgate_tombstones", "public.walgate_applied_entries")) {
                Envelope delete = write(key, null, TargetOp.DELETE, null, Map.of("table", table));
                assertThat(target.apply(delete)).as(table).isInstanceOfSatisfying(Target.Applied.Failed.class, f -> {
                    assertThat(f.transientFailure()).isFalse();
                    assertThat(f.code()).isEqualTo("BAD_TABLE");
                });
            }
        }
        assertThat(readBack(key)).contains("v");
    }

    @Test
    void aBatchOfPutsRedeliveredIsNotWrittenAgainEvenWhereItsRowIsGone() throws Exception {
        String prefix = "again-" + System.nanoTime();
        Envelope first = write(prefix + "-a", "a", TargetOp.PUT, null);
        Envelope second = write(prefix + "-b", "b", TargetOp.PUT, null);
        try (Target target = factory().create(region(), TargetContext.of("contract", "local"))) {
            target.applyAll(List.of(first));
            try (PreparedStatement s = db.prepareStatement("DELETE FROM walgate_entries WHERE key = ?")) {
                s.setString(1, first.target().key()); // removed by someone else since
                s.executeUpdate();
            }

            assertThat(target.applyAll(List.of(first, second))).allMatch(a -> a instanceof Applied.Done);
        }

        assertThat(readBack(first.target().key()))
                .as("applied once, never again")
                .isEmpty();
        assertThat(readBack(second.target().key())).contains("b");
    }

    @Test
    void aBatchIsAppliedInOneTransaction() throws Exception {
        String prefix = "batch-" + System.nanoTime();
        List<Envelope> batch = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            batch.add(write(prefix + "-" + i, "v" + i, TargetOp.PUT, null));
        }
        try (Target target = factory().create(region(), TargetContext.of("contract", "local"))) {
            assertThat(target.applyAll(batch)).hasSize(20);
        }
        Set<String> stamps = new HashSet<>();
        for (Envelope e : batch) {
            stamps.add(stamp(e.target().key()).orElseThrow());
        }
        assertThat(stamps)
                .as("one now() for the whole batch: one transaction, not 20")
                .hasSize(1);
    }

    @Test
    void aNewerDeleteAndAnOlderPutAppliedAtTheSameMomentLeaveTheKeyDeleted() throws Exception {
        int keys = 200;
        List<Envelope> puts = new ArrayList<>();
        List<Envelope> deletes = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            String key = "race-" + i + "-" + System.nanoTime();
            Envelope row = write(key, "v0", TargetOp.PUT, null);
            Envelope older = write(key, "stale", TargetOp.PUT, null);
            Envelope newer = write(key, null, TargetOp.DELETE, null);
            puts.add(row); // the row exists first: the case where the DELETE's tombstone was not yet visible
            deletes.add(newer);
            puts.add(older);
        }
        try (Target seed = factory().create(region(), TargetContext.of("contract", "local"))) {
            for (int i = 0; i < puts.size(); i += 2) {
                seed.apply(puts.get(i));
            }
        }
        // Two workers (two connections), each key's DELETE and its older PUT released together.
        CyclicBarrier together = new CyclicBarrier(2);
        try (Target a = factory().create(region(), TargetContext.of("contract", "local"));
                Target b = factory().create(region(), TargetContext.of("contract", "local"))) {
            var deleting = CompletableFuture.runAsync(() -> {
                for (Envelope delete : deletes) {
                    await(together);
                    a.apply(delete);
                }
            });
            for (int i = 1; i < puts.size(); i += 2) {
                await(together);
                b.apply(puts.get(i));
            }
            deleting.get();
        }
        List<String> back = new ArrayList<>();
        for (Envelope delete : deletes) {
            readBack(delete.target().key()).ifPresent(back::add);
        }
        assertThat(back).as("deleted keys brought back by an older PUT").isEmpty();
    }

    private static String url(int port) {
        return "postgresql://127.0.0.1:" + port + "/target_contract?user=postgres";
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
