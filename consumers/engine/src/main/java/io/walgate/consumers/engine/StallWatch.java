package io.walgate.consumers.engine;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Tells a stalled delivery from a slow or idle one: stalled is having due entries waiting (lag that
 * no delay explains) while the delivered position has not moved for {@link #AFTER}. Entries
 * waiting for their due time are not a stall; a target that has refused every entry for minutes,
 * an entry the engine cannot get past, or a DLQ that cannot be written are.
 *
 * <p>It logs once when a stall begins (naming the position and the last error) and once when it
 * ends; between the two, {@link #stalledFor()} says for how long, for the metric and health check.
 * One instance per delivery, used from its thread only.
 */
final class StallWatch {
    /** How long due entries may wait without progress before it is called a stall. */
    static final Duration AFTER = Duration.ofMinutes(1);

    private static final System.Logger LOG = System.getLogger(StallWatch.class.getName());

    private final String name;
    private final Clock clock;
    private Instant lastProgress;
    private String lastError = "none";
    private String where = "";
    private boolean reported;

    /** @param name the namespace and region, for the log */
    StallWatch(String name, Clock clock) {
        this.name = name;
        this.clock = clock;
        this.lastProgress = clock.instant();
    }

    /** The delivered position moved (an entry applied, re-appended, dead-lettered, committed). */
    void progressed() {
        lastProgress = clock.instant();
        if (reported) {
            LOG.log(Level.INFO, "delivery of {0} flows again", name);
            reported = false;
        }
    }

    /** The last thing that went wrong, kept for the stall's report. */
    void failed(String error) {
        lastError = error;
    }

    /**
     * What the backlog looks like now.
     *
     * @param dueLag entries due (or of unknown due time) that wait; not those waiting for their delay.
     *     Negative when it cannot be told (the backend unreachable): that is no progress either
     * @param position where the delivery stands, e.g. {@code wal.orders-0@1234}
     */
    void observe(long dueLag, String position) {
        if (dueLag == 0) {
            progressed();
            return;
        }
        if (!position.isEmpty()) {
            where = position;
        }
        Duration stalled = stalledFor();
        if (!stalled.isZero() && !reported) {
            reported = true;
            LOG.log(
                    Level.ERROR,
                    "delivery of {0} is stalled: {1} due entries wait and nothing was delivered for {2}; at {3};"
                            + " last error: {4}",
                    name,
                    dueLag < 0 ? "an unknown number of" : dueLag,
                    stalled,
                    position,
                    lastError);
        }
    }

    /** How long the delivery has been stalled; zero when it is not. */
    Duration stalledFor() {
        Duration since = Duration.between(lastProgress, clock.instant());
        return since.compareTo(AFTER) >= 0 ? since : Duration.ZERO;
    }

    /** Where and why, for a stalled delivery's report. */
    String detail() {
        return "at " + where + "; last error: " + lastError;
    }
}
