package io.walgate.controller.api;

import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.EnvelopeCodec;
import io.walgate.controller.ClaimChecks;
import io.walgate.controller.DeadLetterService;
import io.walgate.controller.store.DeadLetterRow;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Base64;

/** Dead letters in the index (and, when asked, as their DLQ holds them) to API views. */
@ApplicationScoped
class DeadLetterViews {
    /** A dead letter without its contents. */
    DeadLetterView of(DeadLetterRow row) {
        return view(row, null);
    }

    /** A dead letter with its contents, if they were asked for. */
    DeadLetterView of(DeadLetterService.Shown shown) {
        return view(shown.row(), shown.contents() ? contents(shown.record(), shown.stored()) : null);
    }

    private static DeadLetterView view(DeadLetterRow row, DeadLetterView.Contents contents) {
        return new DeadLetterView(
                row.entryId,
                row.region,
                row.partitionKey,
                row.targetKey,
                new DeadLetterView.Failure(row.firstErrorCode, row.firstErrorMessage),
                new DeadLetterView.Failure(row.errorCode, row.errorMessage),
                row.attempts,
                row.acceptedAt,
                row.deadAt,
                new DeadLetterView.Location(row.dlq, row.dlqPartition, row.dlqOffset, row.messageId),
                contents);
    }

    private static DeadLetterView.Contents contents(byte[] record, ClaimChecks.Redeemed stored) {
        if (record == null) {
            return new DeadLetterView.Contents(
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    "the DLQ no longer holds it (its retention ended, or it was removed)",
                    null);
        }
        Envelope e;
        try {
            e = EnvelopeCodec.decode(record);
        } catch (RuntimeException notAnEnvelope) {
            return new DeadLetterView.Contents(
                    null, null, null, null, null, null, null, null, null, base64(record), null, null);
        }
        boolean aside = e.payloadRef() != null;
        return new DeadLetterView.Contents(
                e.contentType(),
                e.headers(),
                e.target() == null
                        ? null
                        : new DeadLetterView.Target(
                                e.target().key(),
                                e.target().op().name(),
                                e.target().options()),
                e.deliverAt(),
                e.idempotencyKey(),
                e.traceparent(),
                !aside ? base64(e.payload()) : stored == null ? null : base64(stored.payload()),
                aside
                        ? new DeadLetterView.PayloadRef(
                                e.payloadRef().store(), e.payloadRef().size())
                        : null,
                aside && stored != null ? stored.unavailable() : null,
                null,
                null,
                e.replays().isEmpty() ? null : e.replays());
    }

    private static String base64(byte[] bytes) {
        return bytes == null ? null : Base64.getEncoder().encodeToString(bytes);
    }
}
