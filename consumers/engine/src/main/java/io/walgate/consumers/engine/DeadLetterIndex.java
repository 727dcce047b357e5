package io.walgate.consumers.engine;

import io.walgate.adapter.spi.DeadLettered;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records dead letters in the index operators search (table {@code dead_letters} of the
 * controller's database, which the controller's migrations create): who, why, when, and where the
 * DLQ holds the bytes. The controller lists, filters and discards from it; the DLQ stays the source
 * of truth, and the controller rebuilds the index from it on demand ({@code :reindex}).
 *
 * <ol>
 *   <li>Thread-safe: the deliveries of every namespace report here. One connection, one insert at a
 *       time: dead letters are rare, and an insert is one round trip.
 *   <li>Never throws, and never holds a delivery for long: connecting gives up after {@link
 *       #TIMEOUT}, a statement too. After a failure the index is not tried again for {@link
 *       #PAUSE_AFTER_FAILURE}: letters meanwhile are skipped at once (logged and counted in {@link
 *       #failures()}), so that a database that is down or slow costs delivery one timeout per
 *       pause, not one per letter. A letter not recorded is still in the DLQ.
 *   <li>A connection idle for {@link #CHECK_AFTER_IDLE} is checked before use, and a statement that
 *       fails on a reused connection is tried once more on a new one: dead letters are rare, and a
 *       connection idle for hours may have been dropped by the server or the network.
 *   <li>Idempotent: a letter already recorded at the same place in the DLQ is left as it is.
 * </ol>
 */
public final class DeadLetterIndex implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DeadLetterIndex.class.getName());
    /** Error messages are kept to this many characters: enough to act on, not a payload's copy. */
    static final int MAX_MESSAGE = 2000;

    static final Duration TIMEOUT = Duration.ofSeconds(2);
    static final Duration PAUSE_AFTER_FAILURE = Duration.ofSeconds(30);
    static final Duration CHECK_AFTER_IDLE = Duration.ofSeconds(30);

    static final String INSERT = "INSERT INTO dead_letters (namespace, region, entry_id, partition_key, target_key,"
            + " first_error_code, first_error_message, error_code, error_message, attempts, accepted_at,"
            + " dead_at, dlq, dlq_partition, dlq_offset, message_id)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";

    private final String jdbcUrl;
    private final Clock clock;
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong connects = new AtomicLong();
    private Connection connection;
    private Instant lastUsed = Instant.MIN;
    private volatile Instant pausedUntil = Instant.MIN;

    /** @param jdbcUrl the controller's database, e.g. {@code jdbc:postgresql://…/walgate_controller?user=…} */
    public DeadLetterIndex(String jdbcUrl) {
        this(jdbcUrl, Clock.systemUTC());
    }

    DeadLetterIndex(String jdbcUrl, Clock clock) {
        this.jdbcUrl = jdbcUrl;
        this.clock = clock;
    }

    /** Records {@code letter}; when it cannot, logs, counts, and returns false. */
    public boolean record(DeadLettered letter) {
        if (clock.instant().isBefore(pausedUntil)) {
            return missed(letter, "the index failed less than " + PAUSE_AFTER_FAILURE.toSeconds() + " s ago");
        }
        synchronized (this) {
            try {
                insert(letter);
                return true;
            } catch (SQLException | RuntimeException e) {
                pausedUntil = clock.instant().plus(PAUSE_AFTER_FAILURE);
                close();
                return missed(letter, e.getMessage());
            }
        }
    }

    private boolean missed(DeadLettered letter, String why) {
        failures.incrementAndGet();
        LOG.log(
                Level.WARNING,
                "dead letter {0} of {1} ({2}) is in the DLQ but not in the index: {3}; rebuild the index with"
                        + " walctl dlq reindex {1}",
                letter.entryId(),
                letter.namespace(),
                letter.region(),
                why);
        return false;
    }

    /** Letters that could not be recorded since the start. */
    public long failures() {
        return failures.get();
    }

    /** Connections opened since the start (for tests). */
    long connects() {
        return connects.get();
    }

    private void insert(DeadLettered l) throws SQLException {
        boolean reused = connection != null;
        if (reused
                && Duration.between(lastUsed, clock.instant()).compareTo(CHECK_AFTER_IDLE) > 0
                && !connection.isValid((int) TIMEOUT.toSeconds())) {
            close();
            reused = false;
        }
        try {
            execute(l);
        } catch (SQLException e) {
            if (!reused) {
                throw e;
            }
            close(); // a connection dropped while idle: once more on a new one
            execute(l);
        }
        lastUsed = clock.instant();
    }

    private void execute(DeadLettered l) throws SQLException {
        if (connection == null) {
            Properties timeouts = new Properties();
            String seconds = Long.toString(TIMEOUT.toSeconds());
            timeouts.setProperty("connectTimeout", seconds);
            timeouts.setProperty("loginTimeout", seconds);
            timeouts.setProperty("socketTimeout", Long.toString(TIMEOUT.toSeconds() * 2));
            connects.incrementAndGet();
            connection = DriverManager.getConnection(jdbcUrl, timeouts);
        }
        try (PreparedStatement s = connection.prepareStatement(INSERT)) {
            s.setQueryTimeout((int) TIMEOUT.toSeconds());
            s.setString(1, text(l.namespace()));
            s.setString(2, text(l.region()));
            s.setString(3, text(l.entryId()));
            s.setString(4, text(l.partitionKey()));
            s.setString(5, text(l.targetKey()));
            s.setString(6, text(l.firstErrorCode()));
            s.setString(7, cut(l.firstErrorMessage()));
            s.setString(8, text(l.errorCode()));
            s.setString(9, cut(l.errorMessage()));
            s.setInt(10, l.attempts());
            setInstant(s, 11, l.acceptedAt());
            setInstant(s, 12, l.deadAt());
            s.setString(13, l.at().queue());
            if (l.at().messageId() == null) {
                s.setInt(14, l.at().partition());
                s.setLong(15, l.at().offset());
            } else {
                s.setNull(14, Types.INTEGER);
                s.setNull(15, Types.BIGINT);
            }
            s.setString(16, l.at().messageId());
            s.executeUpdate();
        }
    }

    /** As OffsetDateTime: pgjdbc formats {@code java.sql.Timestamp} through the Julian calendar. */
    private static void setInstant(PreparedStatement s, int index, Instant at) throws SQLException {
        if (at == null) {
            s.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            s.setObject(index, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
        }
    }

    /** A message kept to {@link #MAX_MESSAGE} characters, never cutting a pair of surrogates. */
    static String cut(String message) {
        if (message == null || message.length() <= MAX_MESSAGE) {
            return text(message);
        }
        int end = Character.isHighSurrogate(message.charAt(MAX_MESSAGE - 1)) ? MAX_MESSAGE - 1 : MAX_MESSAGE;
        return text(message.substring(0, end));
    }

    /** PostgreSQL's text holds no NUL: one in a key or a message must not keep a letter out. */
    static String text(String value) {
        return value == null || value.indexOf('\0') < 0 ? value : value.replace('\0', '\uFFFD');
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // already gone
            }
            connection = null;
        }
    }
}
