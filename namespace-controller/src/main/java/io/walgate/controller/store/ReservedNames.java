package io.walgate.controller.store;

import io.smallrye.mutiny.Uni;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.Violation;
import io.walgate.contract.WalException;
import io.walgate.contract.namespace.BackendType;
import java.util.List;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * The {@code reserved_names} table: which namespace owns each topic and queue name, by the key the
 * backend compares names with.
 *
 * <ol>
 *   <li>A name is reserved in the transaction that creates its namespace, or the creation fails
 *       with RESOURCE_NAME_TAKEN naming the owner. Changes hold the advisory lock, so two
 *       creations never race here; the primary key would still refuse the second.
 *   <li>A name is released in the transaction that finally removes its namespace.
 * </ol>
 */
final class ReservedNames {
    private ReservedNames() {}

    static Uni<Void> reserve(Mutiny.Session session, String namespace, List<ResourceClaims.Claim> claims) {
        Uni<Void> all = Uni.createFrom().voidItem();
        for (ResourceClaims.Claim claim : claims) {
            all = all.chain(() -> session.createNativeQuery("INSERT INTO reserved_names"
                                    + " (backend, collision_key, name, namespace) VALUES (:backend, :key, :name, :namespace)"
                                    + " ON CONFLICT DO NOTHING")
                            .setParameter("backend", claim.backend().name())
                            .setParameter("key", claim.collisionKey())
                            .setParameter("name", claim.name())
                            .setParameter("namespace", namespace)
                            .executeUpdate())
                    .chain(inserted -> inserted == 1 ? Uni.createFrom().voidItem() : owner(session, claim, namespace));
        }
        return all;
    }

    /** Fails with RESOURCE_NAME_TAKEN if another namespace owns one of {@code claims}; reserves nothing. */
    static Uni<Void> checkFree(Mutiny.Session session, String namespace, List<ResourceClaims.Claim> claims) {
        Uni<Void> all = Uni.createFrom().voidItem();
        for (ResourceClaims.Claim claim : claims) {
            all = all.chain(() -> owner(session, claim, namespace));
        }
        return all;
    }

    static Uni<Integer> release(Mutiny.Session session, String namespace) {
        return session.createNativeQuery("DELETE FROM reserved_names WHERE namespace = :name")
                .setParameter("name", namespace)
                .executeUpdate();
    }

    /** Completes when no other namespace owns the claim's key; fails naming the owner otherwise. */
    private static Uni<Void> owner(Mutiny.Session session, ResourceClaims.Claim claim, String namespace) {
        return session.createNativeQuery(
                        "SELECT namespace || ' ' || name FROM reserved_names WHERE backend = :backend"
                                + " AND collision_key = :key AND namespace <> :namespace",
                        String.class)
                .setParameter("backend", claim.backend().name())
                .setParameter("key", claim.collisionKey())
                .setParameter("namespace", namespace)
                .getResultList()
                .map(owners -> {
                    if (owners.isEmpty()) {
                        return null;
                    }
                    throw taken(claim, owners.get(0));
                })
                .replaceWithVoid();
    }

    private static WalException taken(ResourceClaims.Claim claim, String ownerAndName) {
        String owner = ownerAndName.substring(0, ownerAndName.indexOf(' '));
        String theirs = ownerAndName.substring(ownerAndName.indexOf(' ') + 1);
        String kind = claim.backend() == BackendType.KAFKA ? "Kafka topic" : "SQS queue";
        String clash = theirs.equals(claim.name())
                ? "is already namespace '" + owner + "''s"
                : "collides with '" + theirs + "' of namespace '" + owner
                        + "' (Kafka treats '.' and '_' in topic names alike)";
        return WalException.invalid(List.of(new Violation(
                "backend.topic",
                ErrorCode.RESOURCE_NAME_TAKEN,
                "this namespace's " + claim.role() + " would be the " + kind + " '" + claim.name() + "', which " + clash
                        + "; choose another backend.topic")));
    }
}
