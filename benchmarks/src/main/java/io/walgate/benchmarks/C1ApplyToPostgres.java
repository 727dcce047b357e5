package io.walgate.benchmarks;

import io.walgate.adapter.kafka.KafkaAdapters;
import io.walgate.adapter.spi.LogAppender;
import io.walgate.consumers.targets.Target;
import io.walgate.consumers.targets.TargetContext;
import io.walgate.consumers.targets.postgres.PostgresTargetFactory;
import io.walgate.contract.EntryId;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.Lifecycle;
import io.walgate.contract.entry.TargetOp;
import io.walgate.contract.entry.TargetOverride;
import io.walgate.contract.entry.WriteRequest;
import io.walgate.contract.namespace.BackendSpec;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.RegionTarget;
import io.walgate.devstack.Devstack;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * C1: apply throughput to PostgreSQL (entries already on the log, the paused namespace then
 * resumed) against a plain batched JDBC insert of the same rows into the same server. Goal: ratio
 * ≥ 0.70.
 */
final class C1ApplyToPostgres {
    private static final int C1_ROWS = Integer.getInteger("bench.c1-rows", 20_000);
    private static final int C1_WORKER_WARMUPS = Integer.getInteger("bench.c1-worker-warmups", 3);

    private C1ApplyToPostgres() {}

    static void run(BenchStack stack) throws Exception {
        byte[] payload = new byte[1024];
        new Random(7).nextBytes(payload);
        // Each side once to warm up (JIT, connections, the broker's page cache), then measured: a
        // cold worker spends most of a 20 000-entry run compiling.
        System.out.printf("  warm-up: %.0f rows/s%n", jdbcBaseline(stack.devstack(), payload, "c1_jdbc_warmup"));
        double jdbc = jdbcBaseline(stack.devstack(), payload, "c1_jdbc");
        System.out.printf("  %.0f rows/s%n", jdbc);
        System.out.printf("  warm-up: %.0f entries/s%n", targetAlone(stack.devstack(), payload, "c1_direct_warmup"));
        double target = targetAlone(stack.devstack(), payload, "c1_direct");
        System.out.printf("  %.0f entries/s%n", target);
        // The worker is warmed up longer: on 2 cores its C2 compiler, sharing them with the broker,
        // PostgreSQL and this process, still had thousands of methods queued after one run (down to
        // String.charAt), and a run measured then measures the interpreter.
        for (int i = 1; i <= C1_WORKER_WARMUPS; i++) {
            System.out.printf("  warm-up: %.0f entries/s%n", applyThroughWorker(stack, payload, "c1w" + i));
        }
        double walgate = applyThroughWorker(stack, payload, "c1");
        double ratio = walgate / jdbc;
        System.out.printf(
                "  %.0f entries/s applied; ratio %.2f (goal >= 0.70); %.2f of the target alone%n",
                walgate, ratio, walgate / target);
        Report.record(
                "C1",
                String.format(
                        "## C1 — apply to PostgreSQL, %d entries of 1 KiB (%s, each side warmed up first:"
                                + " the worker by %d runs, the others by one)%n%n"
                                + "| | rows/s |%n|---|---|%n"
                                + "| plain JDBC, batches of 500, a commit per batch | %.0f |%n"
                                + "| the PostgreSQL target alone: its `applyAll` called in a loop, batches of 500 | %.0f |%n"
                                + "| worker applying from the log (12 partitions, %s lanes) | %.0f |%n%n"
                                + "Ratio **%.2f** (goal ≥ 0.70); the worker makes %.2f of what its target alone does.%n",
                        C1_ROWS,
                        LocalDate.now(),
                        C1_WORKER_WARMUPS,
                        jdbc,
                        target,
                        System.getProperty("bench.worker.kafka.lanes", "4"),
                        walgate,
                        ratio,
                        walgate / target));
    }

    /** Puts the rows on the log of a paused namespace {@code name}, resumes it and times the apply. */
    private static double applyThroughWorker(BenchStack stack, byte[] payload, String name) throws Exception {
        System.out.println("C1 Walgate: " + C1_ROWS + " entries on the log of " + name + ", applied by the worker …");
        Devstack devstack = stack.devstack();
        String database = name + "_target";
        devstack.postgres().createDatabase(database);
        String url = "postgresql://127.0.0.1:" + devstack.postgres().port() + "/" + database + "?user=postgres";
        stack.createNamespace(
                name,
                "{\"name\":\"" + name + "\",\"owner\":\"bench\",\"state\":\"PAUSED\",\"backend\":{\"type\":\"kafka\","
                        + "\"partitions\":12},\"target\":{\"type\":\"postgres\",\"regions\":{\"local\":{\"url\":\""
                        + url + "\"}}}}");
        appendStraightToTheLog(devstack, payload, name);
        BenchStack.post(stack.controllerUrl() + "/v1/namespaces/" + name + "/resume", "");
        return applyRate(devstack, database);
    }

    private static double jdbcBaseline(Devstack devstack, byte[] payload, String database) throws SQLException {
        System.out.println("C1 baseline: batched JDBC insert of " + C1_ROWS + " rows of 1 KiB into " + database + " …");
        devstack.postgres().createDatabase(database);
        try (Connection db = devstack.postgres().connect(database)) {
            db.createStatement()
                    .execute("CREATE TABLE rows (key text PRIMARY KEY, payload bytea, content_type text,"
                            + " entry_id uuid NOT NULL, updated_at timestamptz NOT NULL)");
            db.setAutoCommit(false);
            long start = System.nanoTime();
            try (PreparedStatement insert = db.prepareStatement("INSERT INTO rows VALUES (?, ?, ?, ?, now())")) {
                for (int i = 0; i < C1_ROWS; i++) {
                    insert.setString(1, "row-" + i);
                    insert.setBytes(2, payload);
                    insert.setString(3, "application/octet-stream");
                    insert.setObject(4, UUID.randomUUID());
                    insert.addBatch();
                    if ((i + 1) % 500 == 0) {
                        insert.executeBatch();
                        db.commit();
                    }
                }
                insert.executeBatch();
                db.commit();
            }
            return C1_ROWS / Measurement.seconds(start);
        }
    }

    /** Straight onto the log, as the gateway would put them, so that only the apply is measured. */
    private static void appendStraightToTheLog(Devstack devstack, byte[] payload, String name) throws Exception {
        NamespaceSpec spec = new NamespaceSpec(
                        name,
                        null,
                        "bench",
                        null,
                        new BackendSpec(BackendType.KAFKA, null, 12),
                        null,
                        null,
                        null,
                        null,
                        null)
                .withDefaults();
        try (LogAppender appender = KafkaAdapters.appender(
                Map.of("bootstrap.servers", devstack.kafka().bootstrapServers()))) {
            List<Envelope> pending = envelopes(name, payload);
            // What did not become durable is appended again, as a writer would (same entry id).
            for (int round = 1; !pending.isEmpty(); round++) {
                if (round > 5) {
                    throw new IllegalStateException(pending.size() + " entries would not append");
                }
                Map<Envelope, CompletableFuture<?>> sent = new LinkedHashMap<>();
                pending.forEach(e -> sent.put(e, appender.append(spec, e).toCompletableFuture()));
                pending = new ArrayList<>();
                for (Map.Entry<Envelope, CompletableFuture<?>> e : sent.entrySet()) {
                    try {
                        e.getValue().get(120, TimeUnit.SECONDS);
                    } catch (ExecutionException failed) {
                        pending.add(e.getKey());
                    }
                }
                if (!pending.isEmpty()) {
                    System.out.println("  " + pending.size() + " appends not confirmed; again");
                }
            }
        }
    }

    /** The rows as entries of namespace {@code name}, one key each, due now. */
    private static List<Envelope> envelopes(String name, byte[] payload) {
        EntryId.Generator ids = new EntryId.Generator();
        List<Envelope> entries = new ArrayList<>();
        for (int i = 0; i < C1_ROWS; i++) {
            Instant now = Instant.now();
            WriteRequest request = new WriteRequest(
                    name,
                    Lifecycle.immediate(),
                    payload,
                    new TargetOverride("row-" + i, TargetOp.PUT, Map.of()),
                    "row-" + i,
                    null,
                    Map.of(),
                    null);
            entries.add(Envelope.accept(request, ids.next(), now, now, null));
        }
        return entries;
    }

    /**
     * The worker's own target, without the worker: its {@code applyAll} in batches of 500 from one
     * thread, so that the table tells the engine's cost apart from the SQL's.
     */
    private static double targetAlone(Devstack devstack, byte[] payload, String database) {
        System.out.println(
                "C1 target alone: PostgresTarget.applyAll of " + C1_ROWS + " entries into " + database + " …");
        devstack.postgres().createDatabase(database);
        String url = "postgresql://127.0.0.1:" + devstack.postgres().port() + "/" + database + "?user=postgres";
        List<Envelope> entries = envelopes(database, payload);
        try (Target target =
                new PostgresTargetFactory().create(new RegionTarget(url, null), TargetContext.of(database, "local"))) {
            long start = System.nanoTime();
            for (int from = 0; from < entries.size(); from += 500) {
                List<Target.Applied> applied =
                        target.applyAll(entries.subList(from, Math.min(entries.size(), from + 500)));
                if (!applied.stream().allMatch(a -> a instanceof Target.Applied.Done)) {
                    throw new IllegalStateException("the target refused: " + applied.get(0));
                }
            }
            return C1_ROWS / Measurement.seconds(start);
        }
    }

    /**
     * Entries applied a second, from the transactions' own start times ({@code applied_at}): the
     * window runs from the start of the {@code lanes}-th transaction to the start of the last, and
     * counts the rows of the transactions that started after the window opened. With every lane
     * starting its first transaction together, a window from the very first start would count a
     * round of transactions more than it times. Only the count is polled, and slowly: the worker
     * shares PostgreSQL's CPU with this poll, and a {@code count(*)} every 20 ms took a fifth of a
     * core from it.
     */
    private static double applyRate(Devstack devstack, String database) throws Exception {
        int lanes = Integer.parseInt(System.getProperty("bench.worker.kafka.lanes", "4"));
        try (Connection db = devstack.postgres().connect(database)) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (applied(db) < C1_ROWS) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the worker applied " + applied(db) + " of " + C1_ROWS);
                }
                Thread.sleep(250);
            }
            try (PreparedStatement window = db.prepareStatement("WITH starts AS (SELECT DISTINCT applied_at AS at"
                    + " FROM walgate_applied_entries), opened AS (SELECT at FROM starts ORDER BY at OFFSET ?"
                    + " LIMIT 1) SELECT count(*) FILTER (WHERE applied_at > (SELECT at FROM opened)),"
                    + " extract(epoch FROM max(applied_at) - (SELECT at FROM opened)), (SELECT count(*) FROM starts)"
                    + " FROM walgate_applied_entries")) {
                window.setInt(1, lanes - 1);
                ResultSet rs = window.executeQuery();
                rs.next();
                long transactions = rs.getLong(3);
                // A transaction's rows share its start time: how many the worker committed.
                System.out.printf(
                        "  in %d transactions, %.0f rows each%n", transactions, (double) C1_ROWS / transactions);
                if (transactions <= lanes) {
                    throw new IllegalStateException("too few transactions to time: raise -Dbench.c1-rows");
                }
                return rs.getLong(1) / rs.getDouble(2);
            }
        }
    }

    private static long applied(Connection db) {
        try (ResultSet rs = db.createStatement().executeQuery("SELECT count(*) FROM walgate_applied_entries")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return 0; // the target creates its tables with the first apply
        }
    }
}
