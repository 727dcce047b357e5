package io.walgate.adapter.spi;

import io.walgate.contract.Durability;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.NamespaceSpec;
import java.util.concurrent.CompletionStage;

/**
 * Appends entries to namespaces' logs.
 *
 * <ol>
 *   <li>One instance serves every namespace of its {@link #backend()}; create it once, {@link
 *       #close()} it once, after the last append.
 *   <li>{@link #append} may be called from many threads at once and does not block the caller
 *       beyond handing the entry to the backend client.
 *   <li>The returned stage completes only once the backend has made the entry durable (Kafka
 *       {@code acks=all} with the idempotent producer; SQS accepted the message), or fails with an
 *       {@link AppendException} whose durability says whether it may have been written.
 *   <li>Entries of one partition key are appended in call order (Kafka: the key is the record key).
 *       The one exception is an entry re-sent under guarantee 7: it may land after later entries of
 *       its key.
 *   <li>An entry due later goes where its backend keeps delayed entries: Kafka's delay ladder, SQS's
 *       {@code DelaySeconds} (up to 15 minutes; the worker re-enqueues the rest).
 *   <li>{@link Durability#FALSE} only when certain: no attempt to send the entry can have reached
 *       the backend (refused before the send, a connection refused on every attempt), or the
 *       backend refused it in a way that no earlier attempt can have got past (the log does not
 *       exist, the entry is too large). Whenever an attempt may have reached the backend (a timeout,
 *       a 5xx, a connection lost after the send, an expired or aborted batch, an appender closed
 *       with the entry in flight, an error this rule does not know) the answer is {@link
 *       Durability#UNKNOWN}. Why it matters: a FALSE releases the write's idempotency key, so the
 *       client's retry is a second entry with a new id; an UNKNOWN keeps the key.
 *   <li>An append whose outcome is uncertain only because of a known client fault (Kafka's
 *       KAFKA-15591: an idempotent producer's first batch to a new partition expires after
 *       OUT_OF_ORDER_SEQUENCE_NUMBER) is re-sent once with the same envelope, so the same entry id,
 *       before it is answered; it is durable if the re-send is acknowledged within one request
 *       timeout, UNKNOWN otherwise, so an append stays bounded. A duplicate is harmless: targets
 *       apply by entry id.
 * </ol>
 */
public interface LogAppender extends AutoCloseable {

    BackendType backend();

    /**
     * The largest payload this backend carries inline, leaving room for the rest of the envelope.
     * The gateway stores larger payloads aside and appends a claim check ({@code PayloadRef}).
     */
    int maxInlinePayloadBytes();

    /**
     * @param namespace the entry's namespace, defaults filled in
     * @param envelope the entry; its {@code deliverAt} decides where it waits
     */
    CompletionStage<AppendReceipt> append(NamespaceSpec namespace, Envelope envelope);

    /** Waits for appends in flight to finish, then releases the backend client. */
    @Override
    void close();
}
