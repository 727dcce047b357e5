package io.walgate.gateway.grpc;

import com.google.protobuf.Timestamp;
import io.walgate.api.v1.MutationState;
import io.walgate.api.v1.MutationStatus;
import io.walgate.api.v1.RegionProgress;
import io.walgate.gateway.core.MutationStore.MutationProgress;
import io.walgate.gateway.core.MutationStore.Region;
import java.time.Instant;

/** A mutation's progress as gRPC answers it. */
final class GrpcMutations {
    private GrpcMutations() {}

    static MutationStatus status(MutationProgress p) {
        MutationStatus.Builder b = MutationStatus.newBuilder()
                .setMutationId(p.id().toString())
                .setNamespace(p.namespace())
                .setState(state(p.state()))
                .setItemCount(p.itemCount())
                .setLogged(p.logged())
                .setCreatedAt(timestamp(p.createdAt()));
        if (!p.regions().isEmpty()) {
            Region least = p.laggard();
            b.setAppliedCount(least.appliedCount()).setAttempt(least.attempt());
            if (least.errorCode() != null) {
                b.setLastErrorCode(least.errorCode());
            }
            if (least.errorMessage() != null) {
                b.setLastErrorMessage(least.errorMessage());
            }
        }
        for (Region r : p.regions()) {
            RegionProgress.Builder region = RegionProgress.newBuilder()
                    .setRegion(r.region())
                    .setState(state(r.state()))
                    .setAppliedCount(r.appliedCount())
                    .setAttempt(r.attempt())
                    .setFailedItem(r.failedItem() == null ? -1 : r.failedItem())
                    .setUpdatedAt(timestamp(r.updatedAt()));
            if (r.errorCode() != null) {
                region.setLastErrorCode(r.errorCode());
            }
            if (r.errorMessage() != null) {
                region.setLastErrorMessage(r.errorMessage());
            }
            b.addRegions(region);
        }
        return b.build();
    }

    private static MutationState state(io.walgate.contract.entry.MutationState s) {
        return MutationState.valueOf(s.name());
    }

    private static Timestamp timestamp(Instant i) {
        return Timestamp.newBuilder()
                .setSeconds(i.getEpochSecond())
                .setNanos(i.getNano())
                .build();
    }
}
