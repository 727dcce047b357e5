package io.walgate.controller.store;

import io.smallrye.mutiny.Uni;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.WalException;
import io.walgate.contract.namespace.NamespaceState;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Namespaces, their change feed and their audit log in PostgreSQL.
 *
 * <p>Every change takes a transaction-scoped advisory lock before it picks the next version, so
 * versions are assigned in commit order without gaps: a change-feed reader that asks for
 * everything after version N can never miss a change that commits later with a smaller version.
 * Namespace changes are rare, so serializing them costs nothing that matters.
 */
@ApplicationScoped
public class NamespaceStore {
    private static final long CHANGE_LOCK = 0x57414c4741544531L; // "WALGATE1"

    private final Mutiny.SessionFactory sessions;
    private final Clock clock;

    NamespaceStore(Mutiny.SessionFactory sessions) {
        this.sessions = sessions;
        this.clock = Clock.systemUTC();
    }

    /** What a change does to a namespace, decided inside the transaction that holds the lock. */
    public interface Mutation {
        /**
         * @param current the stored row, if any (deleted rows included)
         * @param version the version this change gets
         * @return the row to store, or empty to change nothing
         */
        Optional<Change> apply(Optional<NamespaceRow> current, long version, Instant now);
    }

    /**
     * The outcome of a {@link Mutation}: the new row, the feed and audit entries it makes, and the
     * resource names it reserves for the namespace (only a creation claims any: names never change).
     */
    public record Change(
            NamespaceRow row, ChangeKind kind, String action, String beforeSpec, List<ResourceClaims.Claim> claims) {
        public Change(NamespaceRow row, ChangeKind kind, String action, String beforeSpec) {
            this(row, kind, action, beforeSpec, List.of());
        }
    }

    /**
     * Applies {@code mutation} to namespace {@code name} as {@code actor}.
     *
     * @return the namespace after the change (unchanged when the mutation changed nothing)
     */
    public Uni<NamespaceRow> change(String name, String actor, Mutation mutation) {
        return sessions.withTransaction(session -> session.createNativeQuery(
                        "SELECT 1 FROM pg_advisory_xact_lock(" + CHANGE_LOCK + ")")
                .getSingleResult()
                .chain(() -> session.createSelectionQuery(
                                "select coalesce(max(c.version), 0) from ChangeRow c", Long.class)
                        .getSingleResult())
                .chain(last -> session.find(NamespaceRow.class, name).chain(found -> {
                    // PostgreSQL keeps microseconds: answer with what a later read returns.
                    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
                    Optional<Change> outcome = mutation.apply(Optional.ofNullable(found), last + 1, now);
                    if (outcome.isEmpty()) {
                        return Uni.createFrom().item(found);
                    }
                    Change change = outcome.get();
                    NamespaceRow row = change.row();
                    row.version = last + 1;
                    row.updatedAt = now;
                    row.updatedBy = actor;
                    Uni<NamespaceRow> stored = ReservedNames.reserve(session, row.name, change.claims())
                            .chain(() -> found == null ? session.persist(row).replaceWith(row) : session.merge(row));
                    return stored.call(() -> session.persist(feedEntry(change, actor, now)))
                            .call(() -> session.persist(auditEntry(change, actor, now)));
                })));
    }

    private static ChangeRow feedEntry(Change change, String actor, Instant now) {
        ChangeRow entry = new ChangeRow();
        entry.version = change.row().version;
        entry.name = change.row().name;
        entry.kind = change.kind().name();
        entry.spec = change.row().spec;
        entry.changedAt = now;
        entry.changedBy = actor;
        return entry;
    }

    private static AuditRow auditEntry(Change change, String actor, Instant now) {
        AuditRow audit = new AuditRow();
        audit.at = now;
        audit.actor = actor;
        audit.action = change.action();
        audit.name = change.row().name;
        audit.version = change.row().version;
        audit.beforeSpec = change.beforeSpec();
        audit.afterSpec = change.row().spec;
        return audit;
    }

    /**
     * Fails with RESOURCE_NAME_TAKEN if a name in {@code claims} belongs to a namespace other than
     * {@code namespace}; reserves nothing (a dry run's check).
     */
    public Uni<Void> checkNamesFree(String namespace, List<ResourceClaims.Claim> claims) {
        return sessions.withSession(s -> ReservedNames.checkFree(s, namespace, claims));
    }

    /** The namespace, unless it does not exist; deleted ones that still have resources count. */
    public Uni<NamespaceRow> get(String name) {
        return sessions.withSession(s -> s.find(NamespaceRow.class, name))
                .onItem()
                .ifNull()
                .failWith(() -> new WalException(ErrorCode.NAMESPACE_NOT_FOUND, "no namespace '" + name + "'"));
    }

    /** One page of namespaces in name order, after {@code afterName}. */
    public Uni<List<NamespaceRow>> list(String shard, NamespaceState state, String afterName, int limit) {
        StringBuilder hql = new StringBuilder("from NamespaceRow n where n.name > :after");
        if (shard != null) {
            hql.append(" and n.shard = :shard");
        }
        hql.append(state != null ? " and n.state = :state" : " and n.state <> 'DELETED'");
        hql.append(" order by n.name");
        return sessions.withSession(s -> {
            var query = s.createSelectionQuery(hql.toString(), NamespaceRow.class)
                    .setParameter("after", afterName == null ? "" : afterName)
                    .setMaxResults(limit);
            if (shard != null) {
                query.setParameter("shard", shard);
            }
            if (state != null) {
                query.setParameter("state", state.name());
            }
            return query.getResultList();
        });
    }

    /** Change-feed entries after {@code version}, oldest first. */
    public Uni<List<ChangeRow>> changesAfter(long version, int limit) {
        return sessions.withSession(s -> s.createSelectionQuery(
                        "from ChangeRow c where c.version > :after order by c.version", ChangeRow.class)
                .setParameter("after", version)
                .setMaxResults(limit)
                .getResultList());
    }

    /** The newest change-feed version, 0 when there is none. */
    public Uni<Long> latestVersion() {
        return sessions.withSession(
                s -> s.createSelectionQuery("select coalesce(max(c.version), 0) from ChangeRow c", Long.class)
                        .getSingleResult());
    }

    /** The audit log of one namespace, newest first. */
    public Uni<List<AuditRow>> audit(String name, int limit) {
        return sessions.withSession(
                s -> s.createSelectionQuery("from AuditRow a where a.name = :name order by a.id desc", AuditRow.class)
                        .setParameter("name", name)
                        .setMaxResults(limit)
                        .getResultList());
    }

    /** Namespaces whose backend needs work now, oldest attempt first. */
    public Uni<List<NamespaceRow>> pending(Instant now, int limit) {
        return sessions.withSession(s -> s.createSelectionQuery(
                        "from NamespaceRow n where n.phase <> 'READY' and n.nextAttemptAt <= :now"
                                + " order by n.nextAttemptAt",
                        NamespaceRow.class)
                .setParameter("now", now)
                .setMaxResults(limit)
                .getResultList());
    }

    /** Counts of namespaces per provisioning phase, for metrics. */
    public Uni<List<Object[]>> countByPhase() {
        return sessions.withSession(s -> s.createSelectionQuery(
                        "select n.phase, count(n) from NamespaceRow n group by n.phase", Object[].class)
                .getResultList());
    }

    /**
     * Records a provisioning outcome for the version that was provisioned. A newer version (the spec
     * changed meanwhile) is left alone: the next round provisions that one.
     *
     * @return whether the row was still at {@code version}
     */
    public Uni<Boolean> recordOutcome(
            String name, long version, Phase phase, String reason, String resources, int attempts, Instant next) {
        return sessions.withTransaction(
                s -> s.createMutationQuery("update NamespaceRow n set n.phase = :phase, n.phaseReason = :reason,"
                                + " n.resources = :resources, n.attempts = :attempts,"
                                + " n.nextAttemptAt = :next where n.name = :name and n.version = :version")
                        .setParameter("phase", phase.name())
                        .setParameter("reason", reason)
                        .setParameter("resources", resources)
                        .setParameter("attempts", attempts)
                        .setParameter("next", next)
                        .setParameter("name", name)
                        .setParameter("version", version)
                        .executeUpdate()
                        .map(updated -> updated == 1));
    }

    /**
     * Forgets a deleted namespace whose resources are gone, and releases its resource names; its
     * dead-letter index goes with its DLQ, its replay jobs with it (a job still running ends).
     */
    public Uni<Boolean> remove(String name, long version) {
        return sessions.withTransaction(s -> s.createMutationQuery(
                        "delete from NamespaceRow n where n.name = :name and n.version = :version"
                                + " and n.phase = 'DELETING'")
                .setParameter("name", name)
                .setParameter("version", version)
                .executeUpdate()
                .chain(deleted -> deleted != 1
                        ? Uni.createFrom().item(false)
                        : ReservedNames.release(s, name)
                                .chain(() -> s.createMutationQuery(
                                                "delete from DeadLetterRow d where d.namespace = :name")
                                        .setParameter("name", name)
                                        .executeUpdate())
                                .chain(() -> s.createNativeQuery("DELETE FROM replay_jobs WHERE namespace = :name")
                                        .setParameter("name", name)
                                        .executeUpdate())
                                .replaceWith(true)));
    }
}
