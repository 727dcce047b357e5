package io.walgate.controller;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.walgate.adapter.spi.DeadLetterQueue;
import io.walgate.adapter.spi.DeadLettered.Place;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.WalException;
import io.walgate.contract.entry.EnvelopeCodec;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.ResourceNames;
import io.walgate.controller.provision.Provisioners;
import io.walgate.controller.store.AuditRow;
import io.walgate.controller.store.DeadLetterFilter;
import io.walgate.controller.store.DeadLetterRow;
import io.walgate.controller.store.DeadLetterStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Operators' work on a namespace's dead letters, protocol-free: show one (with its contents read
 * from the DLQ), and discard them one by one or by a filter. Callers check who may.
 *
 * <ol>
 *   <li>A discard removes the record from its DLQ where the backend can (SQS deletes the message;
 *       a Kafka topic keeps it until retention), then marks it discarded in the index: listing,
 *       showing and later purges skip it. An SQS message that could not be deleted, or was not
 *       found in a scan that did not see the whole queue, stays in the index as dead, counted as
 *       {@code notRemoved}; one that a whole scan did not find is gone, and marked so.
 *   <li>Every discard and purge is in the audit log: actor, action, filter, counts and reason.
 *   <li>A discarded dead letter's payload stored aside (claim check) is released, as an applied
 *       entry's is ({@link ClaimChecks#release}).
 *   <li>DLQ calls block; they run on a worker thread, the index's on the event loop.
 *   <li>A purge takes at most {@link #MAX_PURGE} dead letters per call: the rest stay for the next.
 * </ol>
 */
@ApplicationScoped
public class DeadLetterService {
    public static final int MAX_PURGE = 100_000;
    private static final int PAGE = 1000;

    private final DeadLetterStore store;
    private final Provisioners backends;
    private final Vertx vertx;
    private final ObjectMapper json;
    private final ClaimChecks claimChecks;

    DeadLetterService(
            DeadLetterStore store, Provisioners backends, Vertx vertx, ObjectMapper json, ClaimChecks claimChecks) {
        this.store = store;
        this.backends = backends;
        this.vertx = vertx;
        this.json = json;
        this.claimChecks = claimChecks;
    }

    /**
     * A dead letter of {@code entryId} and, when {@code contents}, the record its DLQ holds (null
     * when retention deleted it) and, for a claim-checked payload, what redeeming it gave.
     */
    public record Shown(DeadLetterRow row, boolean contents, byte[] record, ClaimChecks.Redeemed stored) {}

    /** What a purge did. */
    public record Purged(int matched, int discarded, int notRemoved) {}

    /**
     * The newest dead letter of {@code entryId} in {@code namespace} (of {@code region}, if given).
     *
     * @throws WalException DEAD_LETTER_NOT_FOUND
     */
    public Uni<Shown> show(String namespace, String entryId, String region, boolean contents) {
        return store.find(namespace, entryId, region).chain(rows -> {
            if (rows.isEmpty()) {
                return Uni.createFrom().failure(notFound(namespace, entryId));
            }
            DeadLetterRow row = rows.get(0);
            if (!contents) {
                return Uni.createFrom().item(new Shown(row, false, null, null));
            }
            Place place = place(row);
            return vertx.executeBlocking(() -> {
                byte[] record =
                        sameEntry(row, queue(row).read(row.dlq, List.of(place)).get(place));
                return new Shown(row, true, record, stored(row, record));
            });
        });
    }

    /**
     * Discards the dead letters of {@code namespace} that {@code filter} matches (or, with {@code
     * dryRun}, counts them), as {@code actor} for {@code reason}, audited as {@code action}.
     */
    public Uni<Purged> purge(
            String namespace, DeadLetterFilter filter, boolean dryRun, String reason, String actor, String action) {
        return matching(namespace, filter, null, new ArrayList<>()).chain(rows -> {
            if (dryRun || rows.isEmpty()) {
                return Uni.createFrom().item(new Purged(rows.size(), 0, 0));
            }
            return vertx.executeBlocking(() -> removeFromQueues(rows)).chain(removed -> {
                List<Long> ids = new ArrayList<>();
                for (DeadLetterRow row : rows) {
                    if (row.messageId == null || removed.contains(place(row))) {
                        ids.add(row.id);
                    }
                }
                int notRemoved = rows.size() - ids.size();
                AuditRow audit = audit(namespace, actor, action, filter, reason, rows.size(), ids.size(), notRemoved);
                Map<String, List<String>> released = new LinkedHashMap<>();
                Set<Long> kept = new HashSet<>(ids);
                rows.stream()
                        .filter(row -> row.entryId != null && kept.contains(row.id))
                        .forEach(row -> released.computeIfAbsent(row.region, r -> new ArrayList<>())
                                .add(row.entryId));
                return store.discard(ids, actor, reason, audit)
                        .call(() -> vertx.executeBlocking(() -> {
                            claimChecks.release(released);
                            return null;
                        }))
                        .map(discarded -> new Purged(rows.size(), discarded, notRemoved));
            });
        });
    }

    /** What a reindex did. */
    public record Reindexed(int scanned, int added) {}

    /**
     * Rebuilds {@code namespace}'s index from its DLQ: every record the DLQ holds (at most {@link
     * #MAX_PURGE}) that the index does not know is added; known ones, discarded or not, stay as
     * they are. Audited as {@code dead-letters.reindex}.
     */
    public Uni<Reindexed> reindex(NamespaceSpec namespace, String actor) {
        BackendType type = namespace.backend().type();
        String dlq = ResourceNames.deadLetterName(type, namespace.backend().topic());
        return vertx.executeBlocking(() -> backends.deadLetters(type).scan(namespace.name(), dlq, MAX_PURGE))
                .chain(letters -> store.addMissing(letters).chain(added -> {
                    ObjectNode details = json.createObjectNode();
                    details.put("dlq", dlq).put("scanned", letters.size()).put("added", added);
                    AuditRow audit = new AuditRow();
                    audit.actor = actor;
                    audit.action = "dead-letters.reindex";
                    audit.name = namespace.name();
                    audit.details = details.toString();
                    return store.discard(List.of(), actor, null, audit)
                            .replaceWith(new Reindexed(letters.size(), added));
                }));
    }

    /**
     * {@code record} if it is the entry {@code row} indexes; null if it is another's (a topic deleted
     * and made again under the same name since), as for a record that is gone.
     */
    private static byte[] sameEntry(DeadLetterRow row, byte[] record) {
        if (record == null || row.entryId == null) {
            return record;
        }
        try {
            return row.entryId.equals(EnvelopeCodec.decode(record).id().toString()) ? record : null;
        } catch (RuntimeException notAnEnvelope) {
            return null;
        }
    }

    /** The payload a claim-checked {@code record} left in the gateway's database; null when it is inline. */
    private ClaimChecks.Redeemed stored(DeadLetterRow row, byte[] record) {
        if (record == null || row.entryId == null) {
            return null;
        }
        try {
            var ref = EnvelopeCodec.decode(record).payloadRef();
            return ref == null ? null : claimChecks.redeem(row.entryId, ref);
        } catch (RuntimeException notAnEnvelope) {
            return null;
        }
    }

    /** Every dead letter {@code filter} matches, newest first, up to {@link #MAX_PURGE}. */
    private Uni<List<DeadLetterRow>> matching(
            String namespace, DeadLetterFilter filter, DeadLetterStore.Position after, List<DeadLetterRow> found) {
        int want = Math.min(PAGE, MAX_PURGE - found.size());
        return store.list(namespace, filter, after, want).chain(rows -> {
            found.addAll(rows);
            if (rows.size() < want || found.size() >= MAX_PURGE) {
                return Uni.createFrom().item(found);
            }
            DeadLetterRow last = rows.get(rows.size() - 1);
            return matching(namespace, filter, new DeadLetterStore.Position(last.deadAt, last.id), found);
        });
    }

    /** Removes the SQS messages among {@code rows} from their queues; answers the places no longer there. */
    private Set<Place> removeFromQueues(List<DeadLetterRow> rows) {
        Map<String, List<Place>> byQueue = new LinkedHashMap<>();
        rows.stream()
                .filter(row -> row.messageId != null)
                .forEach(row ->
                        byQueue.computeIfAbsent(row.dlq, q -> new ArrayList<>()).add(place(row)));
        Set<Place> removed = new HashSet<>();
        DeadLetterQueue sqs = byQueue.isEmpty() ? null : backends.deadLetters(BackendType.SQS);
        byQueue.forEach((queue, places) -> removed.addAll(sqs.remove(queue, places)));
        return removed;
    }

    private AuditRow audit(
            String namespace,
            String actor,
            String action,
            DeadLetterFilter filter,
            String reason,
            int matched,
            int discarded,
            int notRemoved) {
        ObjectNode details = json.createObjectNode();
        details.set("filter", json.valueToTree(filter));
        details.put("matched", matched);
        details.put("discarded", discarded);
        details.put("notRemoved", notRemoved);
        details.put("reason", reason);
        AuditRow audit = new AuditRow();
        audit.actor = actor;
        audit.action = action;
        audit.name = namespace;
        audit.details = details.toString();
        return audit;
    }

    private DeadLetterQueue queue(DeadLetterRow row) {
        return backends.deadLetters(row.messageId == null ? BackendType.KAFKA : BackendType.SQS);
    }

    static Place place(DeadLetterRow row) {
        return row.messageId == null
                ? Place.kafka(row.dlq, row.dlqPartition, row.dlqOffset)
                : Place.sqs(row.dlq, row.messageId);
    }

    public static WalException notFound(String namespace, String entryId) {
        return new WalException(
                ErrorCode.DEAD_LETTER_NOT_FOUND,
                "no dead letter of entry " + entryId + " in namespace '" + namespace + "'");
    }
}
