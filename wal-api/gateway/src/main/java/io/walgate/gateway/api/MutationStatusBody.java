package io.walgate.gateway.api;

import io.walgate.contract.entry.MutationState;
import io.walgate.gateway.core.MutationStore.MutationProgress;
import io.walgate.gateway.core.MutationStore.Region;
import java.time.Instant;
import java.util.List;

/**
 * A mutation's progress as REST shows it: the whole mutation (its least advanced region's counts)
 * and each region's.
 */
public record MutationStatusBody(
        String mutationId,
        String namespace,
        MutationState state,
        int itemCount,
        int appliedCount,
        boolean logged,
        Instant createdAt,
        List<RegionBody> regions) {

    public record RegionBody(
            String region,
            MutationState state,
            int appliedCount,
            int attempt,
            Integer failedItem,
            String errorCode,
            String errorMessage,
            Instant updatedAt) {}

    static MutationStatusBody of(MutationProgress p) {
        return new MutationStatusBody(
                p.id().toString(),
                p.namespace(),
                p.state(),
                p.itemCount(),
                p.regions().isEmpty() ? 0 : p.laggard().appliedCount(),
                p.logged(),
                p.createdAt(),
                p.regions().stream().map(MutationStatusBody::region).toList());
    }

    private static RegionBody region(Region r) {
        return new RegionBody(
                r.region(),
                r.state(),
                r.appliedCount(),
                r.attempt(),
                r.failedItem(),
                r.errorCode(),
                r.errorMessage(),
                r.updatedAt());
    }
}
