package io.walgate.gateway.api;

import io.walgate.contract.entry.MutationState;
import io.walgate.gateway.core.MutationStore.MutationProgress;
import io.walgate.gateway.core.MutationStore.Region;
import java.time.Instant;
import java.util.List;

/**
 * A mutation's progress as REST shows it: the whole mutation (its least advanced region's counts)
 * and each region's ({@link Region}, as stored).
 */
public record MutationStatusBody(
        String mutationId,
        String namespace,
        MutationState state,
        int itemCount,
        int appliedCount,
        boolean logged,
        Instant createdAt,
        List<Region> regions) {

    static MutationStatusBody of(MutationProgress p) {
        return new MutationStatusBody(
                p.id().toString(),
                p.namespace(),
                p.state(),
                p.itemCount(),
                p.regions().isEmpty() ? 0 : p.laggard().appliedCount(),
                p.logged(),
                p.createdAt(),
                p.regions());
    }
}
