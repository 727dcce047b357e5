package io.walgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.walgate.devstack.JavaService;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A delivery worker that dies without warning loses nothing and applies nothing twice. */
@ExtendWith(FullStackExtension.class)
class WorkerCrashIT {
    private static final int TOTAL = 10_000;

    @Test
    void aWorkerKilledHardInTheMiddleOfTenThousandEntriesLosesNoneAndAppliesNoneTwice(FullStack stack)
            throws Exception {
        WalgateClient walgate = stack.client();
        JavaService worker = stack.worker();
        stack.devstack().postgres().createDatabase("ledger");
        String url = "postgresql://127.0.0.1:" + stack.devstack().postgres().port() + "/ledger?user=postgres";
        walgate.createNamespace(
                "{\"name\":\"ledger\",\"owner\":\"t\",\"backend\":{\"type\":\"kafka\",\"partitions\":3},"
                        + "\"target\":{\"type\":\"postgres\",\"regions\":{\"local\":{\"url\":\"" + url + "\"}}}}");
        walgate.awaitWritable("ledger");
        TreeMap<String, String> expected = new TreeMap<>();
        Random random = new Random(42);
        expected.put("warm-up", "\"warm\"");
        try (Connection db = stack.devstack().postgres().connect("ledger")) {
            boolean killed = false;
            for (int batch = 0; batch < TOTAL / 100; batch++) {
                List<String> entries = new ArrayList<>();
                for (int i = batch * 100; i < (batch + 1) * 100; i++) {
                    String key = "acct-" + i;
                    String value = "{\"n\":" + i + ",\"v\":" + random.nextInt(1_000_000) + "}";
                    expected.put(key, value);
                    entries.add("{\"json\":" + value + ",\"partitionKey\":\"" + key + "\",\"idempotencyKey\":\"" + key
                            + "\"}");
                }
                // A slow broker may leave a write UNKNOWN (KAFKA-15591 for a partition's first batch):
                // sent again under its idempotency key, as a client does; still applied once.
                walgate.writeBatchUntilDurable("ledger", entries);
                if (!killed && batch >= 30) {
                    // Mid-delivery: some applied, most not yet written.
                    await().atMost(Duration.ofSeconds(60)).until(() -> applied(db) >= 500);
                    worker.kill();
                    killed = true;
                }
            }
            long beforeRestart = applied(db);
            assertThat(beforeRestart).as("the kill left work to do").isLessThan(TOTAL);
            worker.start();
            System.out.printf("kill -9 test: %d of %d applied when the worker was restarted%n", beforeRestart, TOTAL);

            await().atMost(Duration.ofSeconds(180)).until(() -> applied(db) >= TOTAL + 1);
            // A duplicate apply would show up as an extra row while the worker settles.
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(applied(db))
                            .as("every acked entry applied, once")
                            .isEqualTo(TOTAL + 1));
            try (ResultSet rs = db.createStatement()
                    .executeQuery("SELECT count(*), md5(string_agg(key || '=' || convert_from(payload, 'UTF8'), ','"
                            + " ORDER BY key COLLATE \"C\")) FROM walgate_entries")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(TOTAL + 1);
                StringBuilder all = new StringBuilder();
                expected.forEach((k, v) -> all.append(all.length() == 0 ? "" : ",")
                        .append(k)
                        .append('=')
                        .append(v));
                assertThat(rs.getString(2)).as("content checksum").isEqualTo(md5(all.toString()));
            }
        } finally {
            // The stack is shared: the next test needs its worker.
            if (!worker.isRunning()) {
                worker.start();
            }
        }
    }

    private static long applied(Connection db) throws SQLException {
        try (ResultSet rs = db.createStatement().executeQuery("SELECT count(*) FROM walgate_applied_entries")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return 0; // the target has not created its tables yet
            }
            throw e;
        }
    }

    private static String md5(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
