package io.walgate.contract.entry;

import io.walgate.contract.EntryId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An entry as it travels through the log, from the gateway to the worker that applies it.
 *
 * @param id time-ordered identity, issued by the gateway
 * @param namespace the namespace it belongs to
 * @param attempt 1 for the first delivery, raised by one on each retry
 * @param deliverAt when the entry is due (delay and jitter already applied)
 * @param acceptedAt when the gateway accepted it
 * @param originalWriteTime the client's clock at write time, if it said; may be null
 * @param partitionKey ordering key; may be null
 * @param idempotencyKey dedup key; may be null
 * @param contentType MIME type of the payload
 * @param traceparent W3C trace context of the write call; may be null
 * @param headers user headers
 * @param target what to do at the target
 * @param payload the opaque bytes; empty when {@code payloadRef} is set
 * @param payloadRef where the payload is when it was too large for the log; null when inline
 * @param history the failures of earlier attempts; null before the first failure
 * @param region the only region that applies it (a retry is for the region whose attempt failed:
 *     every region's workers read the same log); null for every region
 * @param replays the operators' replays that put it back on the log, oldest first (at most {@link
 *     #MAX_REPLAYS}, the newest); empty when it never was
 * @param mutation set on the marker of a mutation ({@code MutateItems}): its items are stored aside
 *     under {@code id} and this entry carries no payload of its own; null on every other entry
 */
public record Envelope(
        EntryId id,
        String namespace,
        int attempt,
        Instant deliverAt,
        Instant acceptedAt,
        Instant originalWriteTime,
        String partitionKey,
        String idempotencyKey,
        String contentType,
        String traceparent,
        Map<String, String> headers,
        TargetOverride target,
        byte[] payload,
        PayloadRef payloadRef,
        DeliveryHistory history,
        String region,
        List<Replay> replays,
        MutationRef mutation) {

    /** At most this many replays are kept in an entry's history: the newest. */
    public static final int MAX_REPLAYS = 10;

    /** An entry that is not a mutation's marker. */
    public Envelope(
            EntryId id,
            String namespace,
            int attempt,
            Instant deliverAt,
            Instant acceptedAt,
            Instant originalWriteTime,
            String partitionKey,
            String idempotencyKey,
            String contentType,
            String traceparent,
            Map<String, String> headers,
            TargetOverride target,
            byte[] payload,
            PayloadRef payloadRef,
            DeliveryHistory history,
            String region,
            List<Replay> replays) {
        this(
                id,
                namespace,
                attempt,
                deliverAt,
                acceptedAt,
                originalWriteTime,
                partitionKey,
                idempotencyKey,
                contentType,
                traceparent,
                headers,
                target,
                payload,
                payloadRef,
                history,
                region,
                replays,
                null);
    }

    /** An entry never replayed. */
    public Envelope(
            EntryId id,
            String namespace,
            int attempt,
            Instant deliverAt,
            Instant acceptedAt,
            Instant originalWriteTime,
            String partitionKey,
            String idempotencyKey,
            String contentType,
            String traceparent,
            Map<String, String> headers,
            TargetOverride target,
            byte[] payload,
            PayloadRef payloadRef,
            DeliveryHistory history,
            String region) {
        this(
                id,
                namespace,
                attempt,
                deliverAt,
                acceptedAt,
                originalWriteTime,
                partitionKey,
                idempotencyKey,
                contentType,
                traceparent,
                headers,
                target,
                payload,
                payloadRef,
                history,
                region,
                List.of());
    }

    /** An entry for every region of its namespace. */
    public Envelope(
            EntryId id,
            String namespace,
            int attempt,
            Instant deliverAt,
            Instant acceptedAt,
            Instant originalWriteTime,
            String partitionKey,
            String idempotencyKey,
            String contentType,
            String traceparent,
            Map<String, String> headers,
            TargetOverride target,
            byte[] payload,
            PayloadRef payloadRef,
            DeliveryHistory history) {
        this(
                id,
                namespace,
                attempt,
                deliverAt,
                acceptedAt,
                originalWriteTime,
                partitionKey,
                idempotencyKey,
                contentType,
                traceparent,
                headers,
                target,
                payload,
                payloadRef,
                history,
                null);
    }

    /** An entry that has not failed yet. */
    public Envelope(
            EntryId id,
            String namespace,
            int attempt,
            Instant deliverAt,
            Instant acceptedAt,
            Instant originalWriteTime,
            String partitionKey,
            String idempotencyKey,
            String contentType,
            String traceparent,
            Map<String, String> headers,
            TargetOverride target,
            byte[] payload,
            PayloadRef payloadRef) {
        this(
                id,
                namespace,
                attempt,
                deliverAt,
                acceptedAt,
                originalWriteTime,
                partitionKey,
                idempotencyKey,
                contentType,
                traceparent,
                headers,
                target,
                payload,
                payloadRef,
                null);
    }

    /** An entry with its payload inline. */
    public Envelope(
            EntryId id,
            String namespace,
            int attempt,
            Instant deliverAt,
            Instant acceptedAt,
            Instant originalWriteTime,
            String partitionKey,
            String idempotencyKey,
            String contentType,
            String traceparent,
            Map<String, String> headers,
            TargetOverride target,
            byte[] payload) {
        this(
                id,
                namespace,
                attempt,
                deliverAt,
                acceptedAt,
                originalWriteTime,
                partitionKey,
                idempotencyKey,
                contentType,
                traceparent,
                headers,
                target,
                payload,
                null);
    }

    public Envelope {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(deliverAt, "deliverAt");
        Objects.requireNonNull(acceptedAt, "acceptedAt");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(payload, "payload");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts count from 1: " + attempt);
        }
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        replays = replays == null ? List.of() : List.copyOf(replays);
        if (payloadRef != null && payload.length > 0) {
            throw new IllegalArgumentException("a claim-checked entry carries no inline payload");
        }
        if (mutation != null && (payload.length > 0 || payloadRef != null)) {
            throw new IllegalArgumentException("a mutation's marker carries no payload: its items are stored aside");
        }
    }

    /** The same entry with its payload stored aside: the log carries {@code ref} instead. */
    public Envelope withPayloadStored(PayloadRef ref) {
        return new Envelope(
                id,
                namespace,
                attempt,
                deliverAt,
                acceptedAt,
                originalWriteTime,
                partitionKey,
                idempotencyKey,
                contentType,
                traceparent,
                headers,
                target,
                new byte[0],
                Objects.requireNonNull(ref, "ref"),
                history,
                region,
                replays,
                mutation);
    }

    /** The same entry with its stored payload brought back inline (by the reader, after checking it). */
    public Envelope withPayload(byte[] bytes) {
        return new Envelope(
                id,
                namespace,
                attempt,
                deliverAt,
                acceptedAt,
                originalWriteTime,
                partitionKey,
                idempotencyKey,
                contentType,
                traceparent,
                headers,
                target,
                bytes,
                null,
                history,
                region,
                replays,
                mutation);
    }

    /** The same entry with one more failed attempt in its history. */
    public Envelope withFailure(String code, String message, Instant at) {
        return new Envelope(
                id,
                namespace,
                attempt,
                deliverAt,
                acceptedAt,
                originalWriteTime,
                partitionKey,
                idempotencyKey,
                contentType,
                traceparent,
                headers,
                target,
                payload,
                payloadRef,
                DeliveryHistory.after(history, code, message, at),
                region,
                replays,
                mutation);
    }

    /**
     * The envelope of a validated request, accepted now.
     *
     * @param dueAt when it becomes due, see {@link Lifecycle#dueAt}
     */
    public static Envelope accept(
            WriteRequest request, EntryId id, Instant acceptedAt, Instant dueAt, String traceparent) {
        return new Envelope(
                id,
                request.namespace(),
                1,
                dueAt,
                acceptedAt,
                request.lifecycle().originalWriteTime(),
                request.partitionKey(),
                request.idempotencyKey(),
                request.contentType(),
                traceparent,
                request.headers(),
                request.target(),
                request.payload());
    }

    /** The same entry, due again at {@code dueAt} for its next attempt. */
    public Envelope retryAt(Instant dueAt) {
        return new Envelope(
                id,
                namespace,
                attempt + 1,
                dueAt,
                acceptedAt,
                originalWriteTime,
                partitionKey,
                idempotencyKey,
                contentType,
                traceparent,
                headers,
                target,
                payload,
                payloadRef,
                history,
                region,
                replays,
                mutation);
    }

    /**
     * The same entry put back on the log by an operator's replay: due {@code at}, for {@code region}
     * only (null: every region), its attempts counted afresh or not, and {@code replay} added to its
     * history (the oldest dropped past {@link #MAX_REPLAYS}). The id stays: targets that record
     * applied ids apply it once.
     */
    public Envelope replayed(Replay replay, String region, boolean resetAttempts) {
        List<Replay> more = new ArrayList<>(replays);
        more.add(Objects.requireNonNull(replay, "replay"));
        return new Envelope(
                id,
                namespace,
                resetAttempts ? 1 : attempt,
                replay.at(),
                acceptedAt,
                originalWriteTime,
                partitionKey,
                idempotencyKey,
                contentType,
                traceparent,
                headers,
                target,
                payload,
                payloadRef,
                history,
                region,
                more.subList(Math.max(0, more.size() - MAX_REPLAYS), more.size()),
                mutation);
    }

    /** The same entry, for region {@code region} only (null: for every region). */
    public Envelope forRegion(String region) {
        return new Envelope(
                id,
                namespace,
                attempt,
                deliverAt,
                acceptedAt,
                originalWriteTime,
                partitionKey,
                idempotencyKey,
                contentType,
                traceparent,
                headers,
                target,
                payload,
                payloadRef,
                history,
                region,
                replays,
                mutation);
    }

    /** Whether a worker of {@code region} applies it: it is for every region, or for that one. */
    public boolean isFor(String region) {
        return this.region == null || this.region.equals(region);
    }

    /** The key at the target: the override's key, else the partition key; may be null. */
    public String effectiveKey() {
        return target.key() != null && !target.key().isEmpty() ? target.key() : partitionKey;
    }

    /**
     * When the client wrote this entry, for last-writer-wins at the targets: its {@code
     * originalWriteTime} when it gave one, else the time in its entry id (UUIDv7: the first
     * attempt's, so a repeat appended later under the same id keeps its place).
     */
    public Instant writtenAt() {
        return originalWriteTime != null ? originalWriteTime : id.timestamp();
    }

    /**
     * The entry's place in write order, as text that sorts as the order does: {@link #writtenAt()}
     * (fixed width, from year 1), then the entry id. A target keeps the value of the greatest version
     * it has seen for a key, so a late copy of an older write never overwrites a newer one.
     */
    public String version() {
        Instant at = writtenAt();
        // Clamped to what the log stores (years 1 to 9999), so that the width is fixed.
        at = at.isBefore(WriteRequestValidator.MIN_INSTANT)
                ? WriteRequestValidator.MIN_INSTANT
                : at.isAfter(WriteRequestValidator.MAX_INSTANT) ? WriteRequestValidator.MAX_INSTANT : at;
        return String.format("%012d.%09d-%s", at.getEpochSecond() + SECONDS_BEFORE_1970, at.getNano(), id.toString());
    }

    /** Seconds from 0001-01-01T00:00:00Z (the earliest instant the log stores) to the epoch. */
    private static final long SECONDS_BEFORE_1970 = 62_135_596_800L;

    @Override
    public boolean equals(Object o) {
        return o instanceof Envelope other
                && id.equals(other.id)
                && namespace.equals(other.namespace)
                && attempt == other.attempt
                && deliverAt.equals(other.deliverAt)
                && acceptedAt.equals(other.acceptedAt)
                && Objects.equals(originalWriteTime, other.originalWriteTime)
                && Objects.equals(partitionKey, other.partitionKey)
                && Objects.equals(idempotencyKey, other.idempotencyKey)
                && contentType.equals(other.contentType)
                && Objects.equals(traceparent, other.traceparent)
                && headers.equals(other.headers)
                && target.equals(other.target)
                && Arrays.equals(payload, other.payload)
                && Objects.equals(payloadRef, other.payloadRef)
                && Objects.equals(history, other.history)
                && Objects.equals(region, other.region)
                && replays.equals(other.replays)
                && Objects.equals(mutation, other.mutation);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, attempt);
    }

    @Override
    public String toString() {
        // Payloads are never logged: print only their size.
        return "Envelope[id=" + id + ", namespace=" + namespace + ", attempt=" + attempt + ", deliverAt=" + deliverAt
                + ", partitionKey=" + partitionKey + ", target=" + target + ", payload="
                + (payloadRef != null ? payloadRef : payload.length + " bytes")
                + (mutation == null ? "" : ", mutation=" + mutation)
                + (region == null ? "" : ", region=" + region)
                + (replays.isEmpty() ? "" : ", replays=" + replays) + "]";
    }
}
