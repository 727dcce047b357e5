package io.walgate.contract.entry;

import java.time.Instant;
import java.util.Objects;

/**
 * An operator's replay that put an entry back on its log, kept in the entry's history.
 *
 * @param job the replay job's id
 * @param actor who started the job
 * @param at when the entry was put back
 */
public record Replay(String job, String actor, Instant at) {
    public Replay {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(at, "at");
    }
}
