package io.walgate.adapter.spi;

import io.walgate.adapter.spi.DeadLettered.Place;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A backend's dead-letter queues as operators' tools see them: the bytes of a dead letter the
 * index points at, and its removal. The other side of {@link DeliveryProgress#deadLettered}.
 *
 * <ol>
 *   <li>Blocking, and bounded: each call answers within about a minute, or throws.
 *   <li>Thread-safe; one instance serves every namespace of its backend; {@link #close()} once.
 *   <li>What is not there (retention deleted it, an SQS message already removed) is left out of
 *       the answer, never an error.
 * </ol>
 */
public interface DeadLetterQueue extends AutoCloseable {
    /**
     * The records at {@code places} (all in DLQ {@code queue}), as the log held them: the encoded
     * envelope, or whatever the record was when it was none ({@code MALFORMED_ENVELOPE}).
     */
    Map<Place, byte[]> read(String queue, Collection<Place> places);

    /**
     * Every record DLQ {@code queue} of {@code namespace} holds, as index entries ({@link
     * DeadLetterHeaders#read}): what rebuilds the index. At most {@code limit} records.
     */
    List<DeadLettered> scan(String namespace, String queue, int limit);

    /**
     * Removes the records at {@code places} from DLQ {@code queue} where the backend can remove one
     * record: SQS deletes the messages; a Kafka topic cannot lose one record (retention removes it),
     * so nothing is removed there and the index alone marks it.
     *
     * @return the places the DLQ no longer holds: removed now, or found to be gone already (SQS: not
     *     in a queue it saw whole); empty for Kafka
     */
    Set<Place> remove(String queue, Collection<Place> places);

    @Override
    void close();
}
