package io.walgate.contract.entry;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.walgate.api.v1.MutationChunk;
import io.walgate.api.v1.MutationItem;
import io.walgate.api.v1.Op;
import io.walgate.api.v1.Target;
import io.walgate.contract.EntryId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * How a mutation's items are stored and applied, shared by the gateway (which stores them) and the
 * workers (which apply them).
 *
 * <ol>
 *   <li>The items are stored in order, in chunks of at most {@link #CHUNK_BYTES} encoded bytes (an
 *       item larger than that has a chunk of its own), as {@code walgate.v1.MutationChunk}.
 *   <li>Item {@code i} is applied as an entry of its own whose id is {@link #itemId} of the
 *       mutation id and {@code i}: the same on every attempt, so that a target which records the ids
 *       it applied applies each item once, and greater for a later item, so that last-writer-wins
 *       by entry order makes the later of two items for one key win.
 * </ol>
 */
public final class Mutations {
    /** The most encoded bytes of one stored chunk (unless one item alone is larger). */
    public static final int CHUNK_BYTES = 256 * 1024;

    /** Item indexes take the low 20 bits of an item id: room for more than a million items. */
    static final int INDEX_BITS = 20;

    private Mutations() {}

    /**
     * The entry id item {@code index} of mutation {@code mutation} is applied under: the mutation's
     * id with its last 20 bits replaced by the index. Same time, same order among the items as their
     * indexes, distinct from any other mutation's items but with odds of one in 2^42.
     */
    public static EntryId itemId(EntryId mutation, int index) {
        if (index < 0 || index >= 1 << INDEX_BITS) {
            throw new IllegalArgumentException("item index " + index);
        }
        UUID m = mutation.uuid();
        long low = (m.getLeastSignificantBits() & ~((1L << INDEX_BITS) - 1)) | index;
        return new EntryId(new UUID(m.getMostSignificantBits(), low));
    }

    /**
     * A run of items as stored.
     *
     * @param firstItem the index of its first item in the mutation
     * @param itemCount how many items it holds
     * @param bytes a {@code walgate.v1.MutationChunk}
     */
    public record Chunk(int firstItem, int itemCount, byte[] bytes) {}

    /** The items of a request as the chunks to store, in order. */
    public static List<Chunk> chunks(List<WriteRequest> items) {
        List<Chunk> chunks = new ArrayList<>();
        MutationChunk.Builder chunk = MutationChunk.newBuilder();
        int first = 0;
        int size = 0;
        for (int i = 0; i < items.size(); i++) {
            MutationItem message = message(items.get(i));
            int itemSize = message.getSerializedSize() + 5; // the field's tag and length
            if (chunk.getItemsCount() > 0 && size + itemSize > CHUNK_BYTES) {
                chunks.add(new Chunk(first, chunk.getItemsCount(), chunk.build().toByteArray()));
                chunk = MutationChunk.newBuilder();
                first = i;
                size = 0;
            }
            chunk.addItems(message);
            size += itemSize;
        }
        if (chunk.getItemsCount() > 0) {
            chunks.add(new Chunk(first, chunk.getItemsCount(), chunk.build().toByteArray()));
        }
        return chunks;
    }

    private static MutationItem message(WriteRequest item) {
        Target.Builder target = Target.newBuilder()
                .setOp(item.target().op() == TargetOp.DELETE ? Op.DELETE : Op.PUT)
                .putAllOptions(item.target().options());
        if (item.target().key() != null) {
            target.setKey(item.target().key());
        }
        MutationItem.Builder b = MutationItem.newBuilder()
                .setPayload(ByteString.copyFrom(item.payload()))
                .setTarget(target)
                .setContentType(item.contentType())
                .putAllHeaders(item.headers());
        if (item.partitionKey() != null) {
            b.setPartitionKey(item.partitionKey());
        }
        return b.build();
    }

    /**
     * The items of one stored chunk.
     *
     * @throws EnvelopeCodec.MalformedEnvelopeException when the bytes are not a chunk
     */
    public static List<MutationItem> decode(byte[] chunk) {
        try {
            return MutationChunk.parseFrom(chunk).getItemsList();
        } catch (InvalidProtocolBufferException e) {
            throw new EnvelopeCodec.MalformedEnvelopeException("not a stored mutation chunk: " + e.getMessage(), e);
        }
    }

    /**
     * The marker of a mutation: the entry the log carries for it, with no payload, under the
     * mutation's id.
     */
    public static Envelope marker(
            MutationRequest request, EntryId id, Instant acceptedAt, Instant dueAt, String traceparent) {
        return new Envelope(
                id,
                request.namespace(),
                1,
                dueAt,
                acceptedAt,
                request.lifecycle().originalWriteTime(),
                // Its own ordering key: a marker sent again (a repeat of an UNKNOWN call) lands on the
                // same partition, and is handled after the first, never beside it.
                id.toString(),
                request.idempotencyKey(),
                WriteRequest.DEFAULT_CONTENT_TYPE,
                traceparent,
                request.headers(),
                TargetOverride.put(),
                new byte[0],
                null,
                null,
                null,
                List.of(),
                new MutationRef(request.items().size(), request.payloadBytes()));
    }

    /**
     * Item {@code index} of the mutation {@code marker} stands for, as the entry a target applies:
     * the item's id ({@link #itemId}), key, target, payload, content type and headers (over the
     * marker's), and the marker's times, attempt, region and trace.
     */
    public static Envelope item(Envelope marker, int index, MutationItem item) {
        Map<String, String> headers = marker.headers();
        if (item.getHeadersCount() > 0) {
            headers = new HashMap<>(marker.headers());
            headers.putAll(item.getHeadersMap());
        }
        Target t = item.getTarget();
        return new Envelope(
                itemId(marker.id(), index),
                marker.namespace(),
                marker.attempt(),
                marker.deliverAt(),
                marker.acceptedAt(),
                marker.originalWriteTime(),
                item.getPartitionKey().isEmpty() ? null : item.getPartitionKey(),
                null,
                item.getContentType().isEmpty() ? WriteRequest.DEFAULT_CONTENT_TYPE : item.getContentType(),
                marker.traceparent(),
                headers,
                new TargetOverride(
                        t.getKey().isEmpty() ? null : t.getKey(),
                        t.getOp() == Op.DELETE ? TargetOp.DELETE : TargetOp.PUT,
                        t.getOptionsMap()),
                item.getPayload().toByteArray(),
                null,
                marker.history(),
                marker.region(),
                marker.replays());
    }
}
