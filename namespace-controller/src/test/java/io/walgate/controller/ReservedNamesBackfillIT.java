package io.walgate.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.walgate.devstack.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;

/**
 * Upgrading a controller whose database already holds namespaces reserves their resource names:
 * the V2 migration against a real PostgreSQL that V1 created and filled.
 */
class ReservedNamesBackfillIT {

    @Test
    void namespacesThatExistBeforeTheUpgradeKeepTheirNamesAndTheOlderOfAClashingPairWins() throws Exception {
        PostgresServer postgres = ControllerDevstack.devstack().postgres();
        String database = "walgate_backfill_" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        postgres.createDatabase(database);
        FluentConfiguration flyway = Flyway.configure()
                .dataSource(postgres.jdbcUrl(database), PostgresServer.USER, "")
                .locations("classpath:db/migration");
        flyway.target("1").load().migrate();
        try (Connection db = postgres.connect(database);
                Statement sql = db.createStatement()) {
            sql.execute(insert("orders", "kafka", "wal.orders", "2026-01-01"));
            sql.execute(insert("jobs", "sqs", "wal-jobs", "2026-01-02"));
            // Created before names were reserved: its queue is jobs' DLQ. jobs is older and keeps it.
            sql.execute(insert("jobs-dlq", "sqs", "wal-jobs-dlq", "2026-01-03"));
        }

        flyway.target("latest").load().migrate();

        List<String> reserved = new ArrayList<>();
        try (Connection db = postgres.connect(database);
                Statement sql = db.createStatement();
                ResultSet rows =
                        sql.executeQuery("SELECT backend, collision_key, name, namespace FROM reserved_names")) {
            while (rows.next()) {
                reserved.add(rows.getString(1) + " " + rows.getString(2) + " " + rows.getString(3) + " "
                        + rows.getString(4));
            }
        }
        assertThat(reserved)
                .containsExactlyInAnyOrder(
                        "KAFKA wal_orders wal.orders orders",
                        "KAFKA wal_orders_delay_10m wal.orders.delay.10m orders",
                        "KAFKA wal_orders_delay_1h wal.orders.delay.1h orders",
                        "KAFKA wal_orders_delay_1s wal.orders.delay.1s orders",
                        "KAFKA wal_orders_delay_2m wal.orders.delay.2m orders",
                        "KAFKA wal_orders_delay_30s wal.orders.delay.30s orders",
                        "KAFKA wal_orders_delay_5s wal.orders.delay.5s orders",
                        "KAFKA wal_orders_delay_6h wal.orders.delay.6h orders",
                        "KAFKA wal_orders_dlq wal.orders.dlq orders",
                        "SQS wal-jobs wal-jobs jobs",
                        "SQS wal-jobs-dlq wal-jobs-dlq jobs",
                        "SQS wal-jobs-dlq-dlq wal-jobs-dlq-dlq jobs-dlq");
    }

    private static String insert(String name, String type, String topic, String day) {
        String spec = "{\"name\":\"" + name + "\",\"backend\":{\"type\":\"" + type + "\",\"topic\":\"" + topic + "\"}}";
        return "INSERT INTO namespaces (name, shard, state, spec, version, created_at, updated_at, updated_by,"
                + " phase, next_attempt_at) VALUES ('" + name + "', 'default', 'ACTIVE', '" + spec + "', 1, '" + day
                + "', '" + day + "', 'test', 'READY', '" + day + "')";
    }
}
