package io.walgate.contract.namespace;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * A namespace: the unit of configuration, isolation and access. Mirrors the YAML of the design
 * brief field for field.
 *
 * <p>Absent optional fields are {@code null} in a spec as written by a user; {@link
 * #withDefaults()} fills them in. {@link NamespaceSpecValidator} reports every broken rule at
 * once rather than failing on the first, which is why the constructor itself accepts anything.
 */
public record NamespaceSpec(
        String name,
        String shard,
        String owner,
        NamespaceState state,
        BackendSpec backend,
        DeliverySpec delivery,
        RetryPolicy retry,
        TargetSpec target,
        Limits limits,
        AccessSpec access) {

    public static final String DEFAULT_SHARD = "default";
    /** Names and shards: lower-case letters, digits, '_' and '-', starting with a letter or digit. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    /** Names the controller's REST paths use under /v1/namespaces/. */
    public static final Set<String> RESERVED_NAMES = Set.of("changes");

    /** This spec with every absent optional field set to its documented default. */
    public NamespaceSpec withDefaults() {
        return new NamespaceSpec(
                name,
                shard != null ? shard : DEFAULT_SHARD,
                owner,
                state != null ? state : NamespaceState.ACTIVE,
                backend != null ? backend.withDefaults(name) : null,
                delivery != null ? delivery.withDefaults() : DeliverySpec.defaults(),
                retry != null ? retry.withDefaults() : RetryPolicy.defaults(),
                target,
                limits != null ? limits.withDefaults() : Limits.defaults(),
                access != null ? access : AccessSpec.none());
    }

    // Copies with one part changed; everything else unchanged.

    public NamespaceSpec withName(String newName) {
        return new NamespaceSpec(newName, shard, owner, state, backend, delivery, retry, target, limits, access);
    }

    public NamespaceSpec withState(NamespaceState newState) {
        return new NamespaceSpec(name, shard, owner, newState, backend, delivery, retry, target, limits, access);
    }

    public NamespaceSpec withBackend(BackendSpec newBackend) {
        return new NamespaceSpec(name, shard, owner, state, newBackend, delivery, retry, target, limits, access);
    }

    public NamespaceSpec withDelivery(DeliverySpec newDelivery) {
        return new NamespaceSpec(name, shard, owner, state, backend, newDelivery, retry, target, limits, access);
    }

    public NamespaceSpec withRetry(RetryPolicy newRetry) {
        return new NamespaceSpec(name, shard, owner, state, backend, delivery, newRetry, target, limits, access);
    }

    public NamespaceSpec withTarget(TargetSpec newTarget) {
        return new NamespaceSpec(name, shard, owner, state, backend, delivery, retry, newTarget, limits, access);
    }

    public NamespaceSpec withLimits(Limits newLimits) {
        return new NamespaceSpec(name, shard, owner, state, backend, delivery, retry, target, newLimits, access);
    }

    public NamespaceSpec withAccess(AccessSpec newAccess) {
        return new NamespaceSpec(name, shard, owner, state, backend, delivery, retry, target, limits, newAccess);
    }
}
