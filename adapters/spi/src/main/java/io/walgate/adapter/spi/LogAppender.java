package io.walgate.adapter.spi;

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
 *   <li>An entry due later goes where its backend keeps delayed entries: Kafka's delay ladder, SQS's
 *       {@code DelaySeconds} (up to 15 minutes; the worker re-enqueues the rest).
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
