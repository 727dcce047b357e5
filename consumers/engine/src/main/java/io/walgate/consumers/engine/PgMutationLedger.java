package io.walgate.consumers.engine;

import io.walgate.contract.EntryId;
import io.walgate.contract.entry.Mutations;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Optional;

/**
 * {@link MutationLedger} on the gateway's database (tables {@code mutations}, {@code
 * mutation_chunks}, {@code mutation_regions}, made by the gateway's migrations), over JDBC with one
 * connection: each statement stands alone, but {@link #applied}'s two, and progress is only ever
 * raised.
 */
public final class PgMutationLedger implements MutationLedger {
    private static final String LOGGED =
            "UPDATE mutations SET logged = true, expires_at = NULL WHERE mutation_id = ? RETURNING item_count";
    /** A region added to the namespace after the mutation was stored gets its row here. */
    private static final String BEGIN = """
            INSERT INTO mutation_regions AS r (mutation_id, region, state, attempt) VALUES (?, ?, 'APPLYING', ?)
            ON CONFLICT (mutation_id, region) DO UPDATE SET
                state = CASE WHEN r.state = 'APPLIED' THEN 'APPLIED' ELSE 'APPLYING' END,
                attempt = EXCLUDED.attempt,
                updated_at = now()
            RETURNING state, applied_count
            """;

    private static final String RUN = "SELECT first_item, items FROM mutation_chunks"
            + " WHERE mutation_id = ? AND first_item <= ? ORDER BY first_item DESC LIMIT 1";
    private static final String PROGRESS = "UPDATE mutation_regions SET applied_count = greatest(applied_count, ?),"
            + " updated_at = now() WHERE mutation_id = ? AND region = ?";
    private static final String APPLIED = "UPDATE mutation_regions SET state = 'APPLIED',"
            + " applied_count = (SELECT item_count FROM mutations WHERE mutation_id = ?), failed_item = NULL,"
            + " error_code = NULL, error_message = NULL, updated_at = now() WHERE mutation_id = ? AND region = ?";
    /** Released once each of the namespace's regions applied it (a region removed since does not count). */
    private static final String RELEASE = "UPDATE mutations SET released_at = now() WHERE mutation_id = ?"
            + " AND released_at IS NULL AND (SELECT count(*) FROM mutation_regions WHERE mutation_id = ?"
            + " AND region = ANY(?) AND state = 'APPLIED') = ?";

    /** Regions finishing at once take turns: each then sees the others' APPLIED rows. */
    private static final String LOCK = "SELECT 1 FROM mutations WHERE mutation_id = ? FOR UPDATE";

    private static final String UNRELEASE =
            "UPDATE mutations SET released_at = NULL WHERE mutation_id = ? AND released_at IS NOT NULL";
    private static final String FAILED = "UPDATE mutation_regions SET failed_item = ?, error_code = ?,"
            + " error_message = ?, updated_at = now() WHERE mutation_id = ? AND region = ?";
    private static final String DEAD = "UPDATE mutation_regions SET state = 'DEAD_LETTERED', updated_at = now()"
            + " WHERE mutation_id = ? AND region = ? AND state <> 'APPLIED'";

    private final String jdbcUrl;
    private Connection connection;

    /** @param jdbcUrl the gateway's database, e.g. {@code jdbc:postgresql://…/walgate_gateway?user=…} */
    public PgMutationLedger(String jdbcUrl) {
        this.jdbcUrl = jdbcUrl;
    }

    @Override
    public Optional<Begun> begin(EntryId id, String region, int attempt) {
        try {
            int itemCount;
            try (PreparedStatement q = connection().prepareStatement(LOGGED)) {
                q.setObject(1, id.uuid());
                try (ResultSet rs = q.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    itemCount = rs.getInt(1);
                }
            }
            try (PreparedStatement q = connection().prepareStatement(BEGIN)) {
                q.setObject(1, id.uuid());
                q.setString(2, region);
                q.setInt(3, attempt);
                Begun begun;
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    begun = new Begun(itemCount, rs.getInt(2), "APPLIED".equals(rs.getString(1)));
                }
                if (!begun.done()) {
                    update(UNRELEASE, "begin", id, id.uuid());
                }
                return Optional.of(begun);
            }
        } catch (SQLException e) {
            throw failed("begin", id, e);
        }
    }

    @Override
    public Run run(EntryId id, int item) {
        try (PreparedStatement q = connection().prepareStatement(RUN)) {
            q.setObject(1, id.uuid());
            q.setInt(2, item);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    throw new LedgerException("mutation " + id + " has no stored item " + item, null);
                }
                return new Run(rs.getInt(1), Mutations.decode(rs.getBytes(2)));
            }
        } catch (SQLException e) {
            throw failed("read the items of", id, e);
        }
    }

    @Override
    public void progress(EntryId id, String region, int appliedCount) {
        update(PROGRESS, "record the progress of", id, appliedCount, id.uuid(), region);
    }

    @Override
    public void applied(EntryId id, String region, Collection<String> regions) {
        try {
            Connection c = connection();
            c.setAutoCommit(false);
            try (PreparedStatement lock = c.prepareStatement(LOCK);
                    PreparedStatement applied = c.prepareStatement(APPLIED);
                    PreparedStatement release = c.prepareStatement(RELEASE)) {
                lock.setObject(1, id.uuid());
                lock.executeQuery().close();
                applied.setObject(1, id.uuid());
                applied.setObject(2, id.uuid());
                applied.setString(3, region);
                applied.executeUpdate();
                release.setObject(1, id.uuid());
                release.setObject(2, id.uuid());
                release.setArray(3, c.createArrayOf("text", regions.toArray(String[]::new)));
                release.setInt(4, regions.size());
                release.executeUpdate();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failed("record as applied", id, e);
        }
    }

    @Override
    public void failed(EntryId id, String region, int item, String code, String message) {
        update(FAILED, "record the failure of", id, item, code, message, id.uuid(), region);
    }

    @Override
    public void deadLettered(EntryId id, String region) {
        update(DEAD, "record as dead-lettered", id, id.uuid(), region);
    }

    private void update(String sql, String what, EntryId id, Object... args) {
        try (PreparedStatement q = connection().prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                q.setObject(i + 1, args[i]);
            }
            q.executeUpdate();
        } catch (SQLException e) {
            throw failed(what, id, e);
        }
    }

    private LedgerException failed(String what, EntryId id, SQLException e) {
        close(); // a fresh connection next time
        return new LedgerException("could not " + what + " mutation " + id + ": " + e.getMessage(), e);
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = DriverManager.getConnection(jdbcUrl);
        }
        return connection;
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // closing a broken connection
            }
            connection = null;
        }
    }
}
