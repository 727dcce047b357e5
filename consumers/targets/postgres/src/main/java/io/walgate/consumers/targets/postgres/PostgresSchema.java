package io.walgate.consumers.targets.postgres;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * The tables a {@link PostgresTarget} writes, created when missing, and the bookkeeping it keeps
 * (applied entry ids, tombstones), purged a little at a time. One per target, so used by one thread
 * at a time.
 *
 * <ol>
 *   <li>Creating is serialised by an advisory lock across connections and workers: lanes starting
 *       together on a fresh database once raced in {@code CREATE TABLE IF NOT EXISTS}, and the loser
 *       failed on pg_type's unique index with a "permanent" 23505 that dead-lettered its entries.
 *   <li>Applied ids and tombstones are kept {@link #KEPT}, well past any redelivery of an entry;
 *       every {@link #PURGE_EVERY} at most 10 000 older ones of each go. A purge that fails is only
 *       logged: the next one tries again, and nothing applied depends on it.
 * </ol>
 */
final class PostgresSchema {
    /** How long applied ids and tombstones are kept: well past any redelivery of an entry. */
    static final Duration KEPT = Duration.ofDays(30);

    private static final Duration PURGE_EVERY = Duration.ofMinutes(10);
    /** The advisory lock that serialises creating tables, across connections and workers. */
    private static final long DDL_LOCK = 0x57414c4744444cL; // "WALGDDL"

    private final Set<String> ready = new HashSet<>();
    private long nextPurge = System.nanoTime();

    /** Makes sure {@code table} and the bookkeeping tables exist (once per table and target). */
    void ensure(Connection c, String table) throws SQLException {
        if (ready.contains(table)) {
            return;
        }
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(" + DDL_LOCK + ")");
            s.execute("CREATE TABLE IF NOT EXISTS walgate_applied_entries (entry_id uuid PRIMARY KEY,"
                    + " namespace text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
            s.execute("CREATE INDEX IF NOT EXISTS walgate_applied_entries_applied_at"
                    + " ON walgate_applied_entries (applied_at)");
            s.execute("CREATE TABLE IF NOT EXISTS walgate_tombstones (tbl text NOT NULL, key text NOT NULL,"
                    + " written_at timestamptz NOT NULL, entry_id uuid NOT NULL,"
                    + " deleted_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (tbl, key))");
            s.execute("CREATE TABLE IF NOT EXISTS " + table + " (key text PRIMARY KEY, payload bytea,"
                    + " content_type text, entry_id uuid NOT NULL, written_at timestamptz,"
                    + " updated_at timestamptz NOT NULL)");
            // Tables made before last-writer-wins: their rows count as older than any new write.
            s.execute("ALTER TABLE " + table + " ADD COLUMN IF NOT EXISTS written_at timestamptz");
        }
        c.commit();
        ready.add(table);
    }

    /** After a commit: purges old applied ids and tombstones when its time has come. */
    void purgeNowAndThen(Connection c) {
        if (System.nanoTime() - nextPurge < 0) {
            return;
        }
        nextPurge = System.nanoTime() + PURGE_EVERY.toNanos();
        try (Statement s = c.createStatement()) {
            String cutoff = "now() - interval '" + KEPT.toDays() + " days'";
            s.executeUpdate("DELETE FROM walgate_applied_entries WHERE entry_id IN (SELECT entry_id FROM"
                    + " walgate_applied_entries WHERE applied_at < " + cutoff + " LIMIT 10000)");
            s.executeUpdate("DELETE FROM walgate_tombstones WHERE (tbl, key) IN (SELECT tbl, key FROM"
                    + " walgate_tombstones WHERE deleted_at < " + cutoff + " LIMIT 10000)");
            c.commit();
        } catch (SQLException e) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // the connection is checked again before the next apply
            }
            System.getLogger(PostgresSchema.class.getName())
                    .log(Level.WARNING, "could not purge applied entry ids: " + e.getMessage());
        }
    }
}
