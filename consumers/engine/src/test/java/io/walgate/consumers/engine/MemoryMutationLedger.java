package io.walgate.consumers.engine;

import io.walgate.contract.EntryId;
import io.walgate.contract.entry.MutationRequest;
import io.walgate.contract.entry.Mutations;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link MutationLedger} in memory, for one region, that can be made unreachable. */
final class MemoryMutationLedger implements MutationLedger {
    final Map<EntryId, List<Mutations.Chunk>> stored = new HashMap<>();
    final Map<EntryId, Integer> counts = new HashMap<>();
    final Map<EntryId, Integer> progress = new HashMap<>();
    final Map<EntryId, String> state = new HashMap<>();
    final Map<EntryId, String> lastFailure = new HashMap<>();
    boolean unreachable;

    void store(EntryId id, MutationRequest request) {
        stored.put(id, Mutations.chunks(request.items()));
        counts.put(id, request.items().size());
        progress.put(id, 0);
        state.put(id, "PENDING");
    }

    private void reach() {
        if (unreachable) {
            throw new LedgerException("connection refused", null);
        }
    }

    @Override
    public Optional<Begun> begin(EntryId id, String region, int attempt) {
        reach();
        if (!stored.containsKey(id)) {
            return Optional.empty();
        }
        boolean done = state.get(id).equals("APPLIED");
        if (!done) {
            state.put(id, "APPLYING");
        }
        return Optional.of(new Begun(counts.get(id), progress.get(id), done));
    }

    @Override
    public Run run(EntryId id, int item) {
        reach();
        Mutations.Chunk found = null;
        for (Mutations.Chunk c : stored.get(id)) {
            if (c.firstItem() <= item) {
                found = c;
            }
        }
        return new Run(found.firstItem(), Mutations.decode(found.bytes()));
    }

    @Override
    public void progress(EntryId id, String region, int appliedCount) {
        reach();
        progress.merge(id, appliedCount, Math::max);
    }

    @Override
    public void applied(EntryId id, String region, Collection<String> regions) {
        reach();
        progress.put(id, counts.get(id));
        state.put(id, "APPLIED");
    }

    @Override
    public void failed(EntryId id, String region, int item, String code, String message) {
        reach();
        lastFailure.put(id, item + " " + code + " " + message);
    }

    @Override
    public void deadLettered(EntryId id, String region) {
        reach();
        state.put(id, "DEAD_LETTERED");
    }

    @Override
    public void close() {}
}
