package io.walgate.controller;

import io.quarkus.logging.Log;
import io.walgate.contract.entry.PayloadRef;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * Claim checks of dead letters whose payload was too large for their log, in table {@code payloads}
 * of the gateway's database (a dead letter keeps its payload there): redeemed for operators' eyes
 * (checked against the reference), and released when the dead letter is discarded. Blocking (plain
 * JDBC, a connection per call: operators' calls are few); call it off the event loop.
 */
@ApplicationScoped
public class ClaimChecks {
    private final ControllerConfig config;

    ClaimChecks(ControllerConfig config) {
        this.config = config;
    }

    /** What redeeming gave: the bytes, or why there are none. */
    public record Redeemed(byte[] payload, String unavailable) {}

    public Redeemed redeem(String entryId, PayloadRef ref) {
        if (config.payloadStoreJdbcUrl().isEmpty()) {
            return new Redeemed(
                    null,
                    "stored aside in the gateway's database, which this controller does not read"
                            + " (walgate.controller.payload-store-jdbc-url)");
        }
        try (Connection c =
                        DriverManager.getConnection(config.payloadStoreJdbcUrl().get(), timeouts());
                PreparedStatement q = c.prepareStatement("SELECT payload FROM payloads WHERE entry_id = ?")) {
            q.setObject(1, UUID.fromString(entryId));
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    return new Redeemed(null, "the payload stored aside is gone (expired, or removed by hand)");
                }
                byte[] payload = rs.getBytes(1);
                if (payload.length != ref.size() || !Arrays.equals(sha256(payload), ref.sha256())) {
                    return new Redeemed(null, "the payload stored aside does not match its claim check");
                }
                return new Redeemed(payload, null);
            }
        } catch (SQLException e) {
            Log.warnf("claim check of dead letter %s not redeemed: %s", entryId, e.getMessage());
            return new Redeemed(null, "the gateway's database did not answer (see the controller's log)");
        }
    }

    /**
     * Discarded dead letters no longer need their payloads: each entry's region is struck from its
     * row's {@code regions_pending}, and a row no region needs is marked released (the gateways purge
     * it a retention period later), as a worker does when it applies an entry. Entries without a
     * stored payload change nothing. A failure is logged: the payloads then stay until removed by hand.
     *
     * @param discarded entry ids per region
     */
    public void release(Map<String, List<String>> discarded) {
        if (config.payloadStoreJdbcUrl().isEmpty() || discarded.isEmpty()) {
            return;
        }
        try (Connection c =
                        DriverManager.getConnection(config.payloadStoreJdbcUrl().get(), timeouts());
                // Joined with the ids rather than "= ANY (?)", which may be planned as a scan of the whole
                // table testing each row against the array: a purge releases up to 100 000 at once.
                PreparedStatement strike = c.prepareStatement(
                        "UPDATE payloads p SET regions_pending ="
                                + " array_remove(p.regions_pending, ?) FROM unnest(?::uuid[]) AS d(id) WHERE p.entry_id = d.id");
                PreparedStatement release = c.prepareStatement("UPDATE payloads p SET released_at = now()"
                        + " FROM unnest(?::uuid[]) AS d(id) WHERE p.entry_id = d.id"
                        + " AND cardinality(p.regions_pending) = 0 AND p.released_at IS NULL")) {
            for (Map.Entry<String, List<String>> region : discarded.entrySet()) {
                Object[] ids = region.getValue().stream().map(UUID::fromString).toArray();
                strike.setString(1, region.getKey());
                strike.setArray(2, c.createArrayOf("uuid", ids));
                strike.executeUpdate();
                release.setArray(1, c.createArrayOf("uuid", ids));
                release.executeUpdate();
            }
        } catch (SQLException e) {
            Log.warnf("payloads of %d discarded dead letters not released: %s", discarded.size(), e.getMessage());
        }
    }

    private static Properties timeouts() {
        Properties timeouts = new Properties();
        timeouts.setProperty("connectTimeout", "5");
        timeouts.setProperty("socketTimeout", "30");
        return timeouts;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
