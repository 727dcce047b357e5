package io.walgate.contract.entry;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import io.walgate.api.v1.EntryReplay;
import io.walgate.api.v1.LogEnvelope;
import io.walgate.api.v1.Op;
import io.walgate.api.v1.Target;
import io.walgate.contract.EntryId;
import java.time.Instant;

/**
 * Envelopes to and from the bytes stored in the log ({@code walgate.v1.LogEnvelope}).
 *
 * <p>Decoding refuses what is not an envelope of a format this code understands, rather than
 * guessing: a worker dead-letters such a record instead of applying garbage.
 */
public final class EnvelopeCodec {
    /** The format this code writes. */
    public static final int FORMAT = 1;

    /**
     * The format of a mutation's marker: readers from before mutations refuse it (and dead-letter
     * the marker, which a replay brings back once they are upgraded) instead of applying it as an
     * empty PUT. This code reads both.
     */
    public static final int MUTATION_FORMAT = 2;

    private EnvelopeCodec() {}

    public static byte[] encode(Envelope e) {
        return message(e).toByteArray();
    }

    /**
     * How many bytes {@link #encode} makes of {@code e}, without making them and without copying the
     * payload (the write path asks this of every entry, up to 16 MiB, before it is encoded for real).
     */
    public static int encodedSize(Envelope e) {
        if (e.payload().length == 0) {
            return message(e).getSerializedSize();
        }
        return message(e.withPayload(new byte[0])).getSerializedSize()
                + CodedOutputStream.computeByteArraySize(LogEnvelope.PAYLOAD_FIELD_NUMBER, e.payload());
    }

    private static LogEnvelope message(Envelope e) {
        LogEnvelope.Builder b = LogEnvelope.newBuilder()
                .setFormat(e.mutation() == null ? FORMAT : MUTATION_FORMAT)
                .setEntryId(e.id().toString())
                .setNamespace(e.namespace())
                .setAttempt(e.attempt())
                .setDeliverAt(timestamp(e.deliverAt()))
                .setAcceptedAt(timestamp(e.acceptedAt()))
                .setContentType(e.contentType())
                .putAllHeaders(e.headers())
                .setTarget(target(e.target()))
                .setPayload(ByteString.copyFrom(e.payload()));
        if (e.originalWriteTime() != null) {
            b.setOriginalWriteTime(timestamp(e.originalWriteTime()));
        }
        if (e.partitionKey() != null) {
            b.setPartitionKey(e.partitionKey());
        }
        if (e.idempotencyKey() != null) {
            b.setIdempotencyKey(e.idempotencyKey());
        }
        if (e.traceparent() != null) {
            b.setTraceparent(e.traceparent());
        }
        if (e.region() != null) {
            b.setRegion(e.region());
        }
        if (e.payloadRef() != null) {
            b.setPayloadRef(io.walgate.api.v1.PayloadRef.newBuilder()
                    .setStore(e.payloadRef().store())
                    .setSize(e.payloadRef().size())
                    .setSha256(ByteString.copyFrom(e.payloadRef().sha256())));
        }
        if (e.history() != null) {
            DeliveryHistory h = e.history();
            b.setHistory(io.walgate.api.v1.DeliveryHistory.newBuilder()
                    .setFirstErrorCode(h.firstErrorCode())
                    .setFirstErrorMessage(h.firstErrorMessage())
                    .setFirstFailedAt(timestamp(h.firstFailedAt()))
                    .setLastErrorCode(h.lastErrorCode())
                    .setLastErrorMessage(h.lastErrorMessage())
                    .setLastFailedAt(timestamp(h.lastFailedAt())));
        }
        if (e.mutation() != null) {
            b.setMutation(io.walgate.api.v1.MutationRef.newBuilder()
                    .setItemCount(e.mutation().itemCount())
                    .setPayloadBytes(e.mutation().payloadBytes()));
        }
        for (Replay r : e.replays()) {
            b.addReplays(EntryReplay.newBuilder()
                    .setJobId(r.job())
                    .setActor(r.actor())
                    .setAt(timestamp(r.at())));
        }
        return b.build();
    }

    /**
     * @throws MalformedEnvelopeException when the bytes are not an envelope of a known format
     */
    public static Envelope decode(byte[] bytes) {
        LogEnvelope m;
        try {
            m = LogEnvelope.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new MalformedEnvelopeException("not a Walgate log envelope: " + e.getMessage(), e);
        }
        if (m.getFormat() != FORMAT && m.getFormat() != MUTATION_FORMAT) {
            throw new MalformedEnvelopeException(
                    "envelope format " + m.getFormat() + " is not one this version reads (" + FORMAT + ", "
                            + MUTATION_FORMAT + ")",
                    null);
        }
        if ((m.getFormat() == MUTATION_FORMAT) != m.hasMutation()) {
            throw new MalformedEnvelopeException(
                    "envelope format " + m.getFormat() + (m.hasMutation() ? " with" : " without") + " a mutation",
                    null);
        }
        try {
            return new Envelope(
                    EntryId.parse(m.getEntryId()),
                    m.getNamespace(),
                    m.getAttempt(),
                    m.hasDeliverAt() ? instant(m.getDeliverAt()) : null,
                    m.hasAcceptedAt() ? instant(m.getAcceptedAt()) : null,
                    m.hasOriginalWriteTime() ? instant(m.getOriginalWriteTime()) : null,
                    m.hasPartitionKey() ? m.getPartitionKey() : null,
                    m.hasIdempotencyKey() ? m.getIdempotencyKey() : null,
                    m.getContentType(),
                    m.hasTraceparent() ? m.getTraceparent() : null,
                    m.getHeadersMap(),
                    new TargetOverride(
                            m.getTarget().getKey().isEmpty()
                                    ? null
                                    : m.getTarget().getKey(),
                            m.getTarget().getOp() == Op.DELETE ? TargetOp.DELETE : TargetOp.PUT,
                            m.getTarget().getOptionsMap()),
                    m.getPayload().toByteArray(),
                    m.hasPayloadRef()
                            ? new PayloadRef(
                                    m.getPayloadRef().getStore(),
                                    m.getPayloadRef().getSize(),
                                    m.getPayloadRef().getSha256().toByteArray())
                            : null,
                    m.hasHistory()
                            ? new DeliveryHistory(
                                    m.getHistory().getFirstErrorCode(),
                                    m.getHistory().getFirstErrorMessage(),
                                    instant(m.getHistory().getFirstFailedAt()),
                                    m.getHistory().getLastErrorCode(),
                                    m.getHistory().getLastErrorMessage(),
                                    instant(m.getHistory().getLastFailedAt()))
                            : null,
                    m.hasRegion() ? m.getRegion() : null,
                    m.getReplaysList().stream()
                            .map(r -> new Replay(r.getJobId(), r.getActor(), instant(r.getAt())))
                            .toList(),
                    m.hasMutation()
                            ? new MutationRef(
                                    m.getMutation().getItemCount(),
                                    m.getMutation().getPayloadBytes())
                            : null);
        } catch (RuntimeException e) {
            // Whatever the fields' own checks throw (a timestamp past Instant's range throws
            // DateTimeException, an id IllegalArgumentException): the record is not an entry this
            // code can deliver, and must not escape as anything but that.
            throw new MalformedEnvelopeException("an envelope with missing or invalid fields: " + e.getMessage(), e);
        }
    }

    private static Target target(TargetOverride t) {
        Target.Builder b = Target.newBuilder()
                .setOp(t.op() == TargetOp.DELETE ? Op.DELETE : Op.PUT)
                .putAllOptions(t.options());
        if (t.key() != null) {
            b.setKey(t.key());
        }
        return b.build();
    }

    private static Timestamp timestamp(Instant i) {
        return Timestamp.newBuilder()
                .setSeconds(i.getEpochSecond())
                .setNanos(i.getNano())
                .build();
    }

    private static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    /** The bytes are not an envelope this version can read. */
    public static final class MalformedEnvelopeException extends RuntimeException {
        MalformedEnvelopeException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
