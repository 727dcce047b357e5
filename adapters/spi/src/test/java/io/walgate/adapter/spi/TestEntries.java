package io.walgate.adapter.spi;

import io.walgate.contract.EntryId;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.Lifecycle;
import io.walgate.contract.entry.TargetOp;
import io.walgate.contract.entry.TargetOverride;
import io.walgate.contract.entry.WriteRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/** Envelopes for unit tests: a PUT of {@code key}, partitioned by the same key. */
public final class TestEntries {
    private static final EntryId.Generator IDS = new EntryId.Generator();

    private TestEntries() {}

    public static Envelope dueAt(Instant due) {
        return of("ns", "k", due, due);
    }

    public static Envelope of(String namespace, String key, Instant accepted, Instant due) {
        WriteRequest request = new WriteRequest(
                namespace,
                Lifecycle.immediate(),
                ("value of " + key).getBytes(StandardCharsets.UTF_8),
                new TargetOverride(key, TargetOp.PUT, Map.of()),
                key,
                null,
                Map.of(),
                "text/plain");
        return Envelope.accept(request, IDS.next(), accepted, due, null);
    }
}
