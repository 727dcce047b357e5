package io.walgate.gateway.core;

import io.walgate.adapter.spi.AppendReceipt;
import io.walgate.adapter.spi.LogAppender;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.NamespaceSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A log in memory: records appends; answers with what the test says. */
final class MemoryLog implements LogAppender {
    final List<Envelope> appended = new ArrayList<>();
    CompletableFuture<AppendReceipt> next;
    int maxInline = 1 << 20;

    @Override
    public int maxInlinePayloadBytes() {
        return maxInline;
    }

    @Override
    public BackendType backend() {
        return BackendType.KAFKA;
    }

    @Override
    public CompletionStage<AppendReceipt> append(NamespaceSpec namespace, Envelope envelope) {
        appended.add(envelope);
        return next != null
                ? next
                : CompletableFuture.completedFuture(
                        new AppendReceipt(namespace.backend().topic(), "0-" + appended.size()));
    }

    @Override
    public void close() {}
}
