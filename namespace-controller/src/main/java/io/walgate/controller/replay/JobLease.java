package io.walgate.controller.replay;

import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.controller.replay.ReplayJob.State;
import java.time.Duration;
import java.util.Optional;

/**
 * A job as the controller holding its lease sees it, for the code that does the job's work: the
 * lease renewed between batches, the namespace looked at again, the job ended.
 */
interface JobLease {
    /** The job as it was claimed. */
    ReplayJob job();

    /** Who holds the lease; progress is recorded under it ({@link ReplayJobStore#progress}). */
    String owner();

    /**
     * Renews the lease: the job as it is now, or empty when the work must stop (the job was paused
     * or cancelled, another controller took it, this one is shutting down).
     */
    Optional<ReplayJob> renew();

    /**
     * Whether the lease is still this controller's as far as it knows: a batch stops putting entries
     * back as soon as it is not (paused, cancelled, taken over, shutting down).
     */
    boolean held();

    /** The namespace as it is now: empty when gone or being deleted. */
    Optional<Namespace> namespace();

    /** Counts what a batch recorded as done, for the metrics. */
    void counted(long replayed, long skipped);

    /** Ends the job (the lease goes with it). */
    void finish(State state, String message);

    /** Waits {@code pause} (a paused namespace, a backend failing); false when the work must stop. */
    boolean await(Duration pause);

    /**
     * Renews the lease, and waits while the namespace is paused or not ready (its entries would wait
     * all the same; the job waits with them, holding its place).
     *
     * @return the namespace, ready; empty when the work must stop: the job ended, or the namespace
     *     was deleted (then the job is cancelled here)
     */
    default Optional<Namespace> next() {
        while (true) {
            if (renew().isEmpty()) {
                return Optional.empty();
            }
            Optional<Namespace> ns = namespace();
            if (ns.isEmpty()) {
                finish(State.CANCELLED, "the namespace was deleted");
                return Optional.empty();
            }
            if (!ns.get().paused() && ns.get().ready()) {
                return ns;
            }
            if (!await(Duration.ofSeconds(1))) {
                return Optional.empty();
            }
        }
    }

    /** A namespace: its spec with defaults, and whether entries may be put on its log now. */
    record Namespace(NamespaceSpec spec, boolean paused, boolean ready) {}
}
