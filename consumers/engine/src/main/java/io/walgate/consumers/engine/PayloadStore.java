package io.walgate.consumers.engine;

import io.walgate.consumers.targets.Target.Applied;
import io.walgate.contract.EntryId;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.PayloadRef;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * Redeems claim checks: loads a payload the gateway stored aside (table {@code payloads} of the
 * gateway's database, keyed by entry id) and checks its size and SHA-256 against the envelope's
 * {@link PayloadRef}. Used by one thread at a time: each apply lane has a store of its own.
 *
 * <p>A payload lives as long as its entry, not by a clock guess:
 *
 * <ol>
 *   <li>Redeeming it shows that its entry is on the log: its expiry (the gateway's guard against
 *       payloads whose entry never made it) is lifted.
 *   <li>Applied in a region, that region is struck from the row's {@code regions_pending}; once
 *       every region of the namespace applied the entry, the row is marked released, and the
 *       gateways delete it a retention period later. Not at once: a copy of the entry may still be
 *       read again (a rewind, a crash before the commit, a repeated UNKNOWN write), and would then
 *       find its payload gone and be dead-lettered for nothing.
 *   <li>Dead-lettered, it stays: the dead letter refers to it until an operator discards it.
 * </ol>
 */
public final class PayloadStore implements AutoCloseable {
    /** The envelope with its payload inline, or why it cannot be. */
    public sealed interface Redeemed {
        record Inline(Envelope entry) implements Redeemed {}

        record Failed(Applied.Failed failure) implements Redeemed {}
    }

    private final String jdbcUrl;
    private Connection connection;

    /** @param jdbcUrl the gateway's database, e.g. {@code jdbc:postgresql://…/walgate_gateway?user=…} */
    public PayloadStore(String jdbcUrl) {
        this.jdbcUrl = jdbcUrl;
    }

    public Redeemed redeem(Envelope entry) {
        PayloadRef ref = entry.payloadRef();
        if (!PayloadRef.POSTGRES.equals(ref.store())) {
            return failed(
                    false, "PAYLOAD_STORE_UNKNOWN", "payload store '" + ref.store() + "' is not one this worker reads");
        }
        byte[] payload;
        try {
            payload = load(entry.id());
        } catch (SQLException e) {
            close();
            return failed(true, "PAYLOAD_STORE_UNAVAILABLE", e.getMessage());
        }
        if (payload == null) {
            return failed(
                    false,
                    "PAYLOAD_MISSING",
                    "no stored payload for entry " + entry.id() + " (expired or never stored)");
        }
        if (payload.length != ref.size() || !Arrays.equals(sha256(payload), ref.sha256())) {
            return failed(
                    false,
                    "PAYLOAD_CORRUPT",
                    "the stored payload of entry " + entry.id() + " does not match its claim check");
        }
        return new Redeemed.Inline(entry.withPayload(payload));
    }

    private byte[] load(EntryId id) throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = DriverManager.getConnection(jdbcUrl);
        }
        try (PreparedStatement q = connection.prepareStatement(
                // Rows from before regions were recorded (NULL) keep their expiry: nothing else frees them.
                "UPDATE payloads SET expires_at = CASE WHEN regions_pending IS NULL THEN expires_at END"
                        + " WHERE entry_id = ? RETURNING payload")) {
            q.setObject(1, id.uuid());
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        }
    }

    /**
     * The entry was applied in {@code region}: its payload is no longer needed there, and is released
     * when no region needs it. A failure is logged and changes nothing else: the entry is applied.
     */
    public void applied(EntryId id, String region) {
        try {
            if (connection == null || connection.isClosed()) {
                connection = DriverManager.getConnection(jdbcUrl);
            }
            try (PreparedStatement strike = connection.prepareStatement(
                            "UPDATE payloads SET regions_pending = array_remove(regions_pending, ?) WHERE entry_id = ?");
                    PreparedStatement drop = connection.prepareStatement("UPDATE payloads SET released_at = now()"
                            + " WHERE entry_id = ? AND cardinality(regions_pending) = 0 AND released_at IS NULL")) {
                strike.setString(1, region);
                strike.setObject(2, id.uuid());
                strike.executeUpdate();
                drop.setObject(1, id.uuid());
                drop.executeUpdate();
            }
        } catch (SQLException e) {
            close();
            System.getLogger(PayloadStore.class.getName())
                    .log(
                            System.Logger.Level.WARNING,
                            "the payload of applied entry {0} could not be released in {1}; it stays stored: {2}",
                            id,
                            region,
                            e.getMessage());
        }
    }

    private static Redeemed failed(boolean transientFailure, String code, String message) {
        return new Redeemed.Failed(new Applied.Failed(transientFailure, code, message));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
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
