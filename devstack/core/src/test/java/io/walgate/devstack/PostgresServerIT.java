package io.walgate.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The devstack's PostgreSQL is a real server that keeps committed rows across a restart. */
@ExtendWith(DevstackExtension.class)
class PostgresServerIT {

    @Test
    void aCommittedRowIsReadBackAndSurvivesARestart(PostgresServer postgres) throws Exception {
        postgres.createDatabase("roundtrip");
        try (Connection c = postgres.connect("roundtrip");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kv (k text PRIMARY KEY, v jsonb NOT NULL)");
            s.execute("INSERT INTO kv VALUES ('order-42', '{\"total\": 12.5}')");
        }

        postgres.restart();

        try (Connection c = postgres.connect("roundtrip");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT v->>'total', version() FROM kv WHERE k = 'order-42'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("12.5");
            assertThat(rs.getString(2)).startsWith("PostgreSQL");
        }
    }
}
