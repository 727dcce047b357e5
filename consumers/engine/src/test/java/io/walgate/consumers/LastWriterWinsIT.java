package io.walgate.consumers;

import static org.assertj.core.api.Assertions.assertThat;

import io.walgate.consumers.targets.Target;
import io.walgate.consumers.targets.Target.Applied;
import io.walgate.consumers.targets.TargetContext;
import io.walgate.consumers.targets.TargetRegistry;
import io.walgate.contract.EntryId;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.Lifecycle;
import io.walgate.contract.entry.TargetOp;
import io.walgate.contract.entry.TargetOverride;
import io.walgate.contract.entry.WriteRequest;
import io.walgate.contract.namespace.RegionTarget;
import io.walgate.contract.namespace.TargetType;
import io.walgate.devstack.DevstackExtension;
import io.walgate.devstack.PostgresServer;
import io.walgate.devstack.RedisServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.RedisClient;

/**
 * A late copy of an older write never overwrites a newer one. An UNKNOWN write that the client
 * repeats is appended again, later in the log, under its first entry id; a retry is appended again
 * too. Before, the target applied whatever came last in the log, so the older value won.
 */
@ExtendWith(DevstackExtension.class)
class LastWriterWinsIT {
    private static final TargetRegistry TARGETS = TargetRegistry.load();
    private static final EntryId.Generator IDS = new EntryId.Generator();
    private static final AtomicInteger KEYS = new AtomicInteger();

    private static Envelope write(String key, String value, TargetOp op, Instant originalWriteTime) {
        Instant now = Instant.now();
        WriteRequest request = new WriteRequest(
                "lww",
                new Lifecycle(null, null, null, originalWriteTime),
                value == null ? new byte[0] : value.getBytes(StandardCharsets.UTF_8),
                new TargetOverride(key, op, Map.of()),
                key,
                null,
                Map.of(),
                "text/plain");
        return Envelope.accept(request, IDS.next(), now, now, null);
    }

    @Test
    void redisKeepsTheNewerValueWhenAnOlderEntryArrivesLate(RedisServer redis) {
        String key = "lww-" + KEYS.incrementAndGet();
        Envelope older = write(key, "older", TargetOp.PUT, null);
        Envelope newer = write(key, "newer", TargetOp.PUT, null);
        try (Target target = TARGETS.create(
                        TargetType.REDIS, new RegionTarget(redis.endpoint(), null), TargetContext.of("lww", "local"));
                RedisClient client = RedisClient.create(URI.create(redis.endpoint()))) {
            assertThat(target.apply(newer)).isInstanceOf(Applied.Done.class);
            assertThat(target.apply(older)).isInstanceOf(Applied.Done.class); // done: nothing to do
            assertThat(client.get(key)).isEqualTo("newer");

            // A DELETE that is newer than a late PUT keeps the key deleted.
            Envelope put = write(key, "resurrected?", TargetOp.PUT, null);
            Envelope delete = write(key, null, TargetOp.DELETE, null);
            target.apply(delete);
            target.apply(put);
            assertThat(client.get(key)).isNull();

            // The client's own write time decides when it gives one.
            Envelope late = write(key, "written first", TargetOp.PUT, Instant.parse("2020-01-01T00:00:00Z"));
            Envelope early = write(key, "written last", TargetOp.PUT, Instant.parse("2030-01-01T00:00:00Z"));
            target.applyAll(List.of(early, late));
            assertThat(client.get(key)).isEqualTo("written last");
        }
    }

    @Test
    void postgresKeepsTheNewerRowWhenAnOlderEntryArrivesLateAloneOrInABatch(PostgresServer postgres) throws Exception {
        postgres.createDatabase("lww_target");
        String url = "postgresql://127.0.0.1:" + postgres.port() + "/lww_target?user=postgres";
        String key = "lww-" + KEYS.incrementAndGet();
        try (Target target = TARGETS.create(
                        TargetType.POSTGRES, new RegionTarget(url, null), TargetContext.of("lww", "local"));
                Connection db = postgres.connect("lww_target")) {
            Envelope older = write(key, "older", TargetOp.PUT, null);
            Envelope newer = write(key, "newer", TargetOp.PUT, null);
            target.apply(newer);
            target.apply(older);
            assertThat(value(db, key)).isEqualTo("newer");

            // In one batch (one transaction), and across a DELETE.
            String other = key + "-batch";
            Envelope put1 = write(other, "one", TargetOp.PUT, null);
            Envelope delete = write(other, null, TargetOp.DELETE, null);
            Envelope put3 = write(other, "three", TargetOp.PUT, null);
            assertThat(target.applyAll(List.of(put1, put3, delete))).allMatch(a -> a instanceof Applied.Done);
            assertThat(value(db, other)).isEqualTo("three"); // the DELETE came late and is older
            Envelope stale = write(other + "-gone", "stale", TargetOp.PUT, null);
            Envelope gone = write(other + "-gone", null, TargetOp.DELETE, null);
            target.applyAll(List.of(gone, stale));
            assertThat(value(db, other + "-gone")).isNull();
        }
    }

    @Test
    void aNewerDeleteAndAnOlderPutAppliedAtTheSameMomentLeaveTheKeyDeleted(PostgresServer postgres) throws Exception {
        postgres.createDatabase("lww_race");
        String url = "postgresql://127.0.0.1:" + postgres.port() + "/lww_race?user=postgres";
        int keys = 200;
        List<Envelope> puts = new ArrayList<>();
        List<Envelope> deletes = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            String key = "race-" + KEYS.incrementAndGet();
            Envelope row = write(key, "v0", TargetOp.PUT, null);
            Envelope older = write(key, "stale", TargetOp.PUT, null);
            Envelope newer = write(key, null, TargetOp.DELETE, null);
            puts.add(row); // the row exists first: the case where the DELETE's tombstone was not yet visible
            deletes.add(newer);
            puts.add(older);
        }
        try (Target seed =
                TARGETS.create(TargetType.POSTGRES, new RegionTarget(url, null), TargetContext.of("lww", "local"))) {
            for (int i = 0; i < puts.size(); i += 2) {
                seed.apply(puts.get(i));
            }
        }
        // Two workers (two connections), each key's DELETE and its older PUT released together.
        CyclicBarrier together = new CyclicBarrier(2);
        try (Target a = TARGETS.create(
                        TargetType.POSTGRES, new RegionTarget(url, null), TargetContext.of("lww", "local"));
                Target b = TARGETS.create(
                        TargetType.POSTGRES, new RegionTarget(url, null), TargetContext.of("lww", "local"));
                Connection db = postgres.connect("lww_race")) {
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
            var rs = db.createStatement().executeQuery("SELECT count(*) FROM walgate_entries WHERE key LIKE 'race-%'");
            rs.next();
            assertThat(rs.getLong(1))
                    .as("deleted keys brought back by an older PUT")
                    .isZero();
        }
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String value(Connection db, String key) throws Exception {
        try (PreparedStatement s =
                db.prepareStatement("SELECT convert_from(payload, 'UTF8') FROM walgate_entries WHERE key = ?")) {
            s.setString(1, key);
            var rs = s.executeQuery();
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
