package io.walgate.adapter.spi;

import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.NamespaceSpec;
import java.util.function.Supplier;

/**
 * Reads namespaces' logs and hands their entries, when due, to the engine: the read side of a
 * backend, next to {@link LogProvisioner} and {@link LogAppender}.
 *
 * <ol>
 *   <li>One instance serves every namespace of its {@link #backend()} for a worker; {@link #open}
 *       may be called from any thread; {@link #close()} once, after every subscription stopped.
 *   <li>A subscription runs on a thread of its own. It takes handlers from {@code handlers} as it
 *       needs them (one at first; on Kafka one per partition applied side by side, up to the
 *       reader's lane count) and calls each from one thread at a time (not always the same); on
 *       Kafka, a partition's entries go to one handler at a time, in log order, on SQS in no
 *       order. Every handler it took is closed when it ends, or when {@link #open}
 *       fails.
 *   <li>Never early: the handler sees an entry only once the reader's clock has reached its {@code
 *       deliverAt}.
 *   <li>At least once: an entry is settled (committed, deleted) only after its verdict was carried
 *       out: re-appended or held for a retry, written to the DLQ with {@link DeadLetterHeaders} and
 *       acknowledged when dead. A record that is no envelope goes to the DLQ as {@code
 *       MALFORMED_ENVELOPE} without reaching the handler. A crash loses nothing: what was not
 *       settled is read again, by this worker or another of its region.
 *   <li>Kafka, ordering {@code NONE}: entries of one partition key reach the handler in log order
 *       until one fails; {@code KEY}: in log order through retries, holding back only the failing
 *       key. SQS keeps no order (the controller refuses {@code KEY} for SQS namespaces).
 *   <li>{@link Subscription#stop()} settles the batch in hand and calls the handler no more.
 *   <li>A failure of the log or the DLQ never ends a subscription and loses nothing: it reports
 *       {@link DeliveryProgress#failed} and tries again (Kafka: from its last commit, a second
 *       later; SQS: the message comes back after its visibility timeout).
 *   <li>Reports cost delivery little: Kafka's come from what the consumer knows and an Admin
 *       client's answers, never waited for; SQS asks the queues' counts at most every 10 s.
 *       Entries lost to retention are reported ({@link DeliveryProgress#lost}), never skipped
 *       silently.
 * </ol>
 */
public interface LogReader extends AutoCloseable {
    BackendType backend();

    /**
     * Starts delivering {@code namespace} to {@code region}, on a thread of its own.
     *
     * @param handlers a new handler (with a target of its own) per call; the first is taken before
     *     this returns, so a target that cannot be built fails the open
     */
    Subscription open(
            NamespaceSpec namespace, String region, Supplier<EntryHandler> handlers, DeliveryProgress progress);

    /** Closes what the reader shares between its subscriptions (producers, admin clients). */
    @Override
    void close();
}
