package io.walgate.controller.api;

import io.walgate.adapter.spi.LogResource;
import io.walgate.contract.namespace.NamespaceSpec;
import java.time.Instant;
import java.util.List;

/**
 * A namespace as the API shows it: the spec a user wrote (with defaults filled in), plus what the
 * controller knows about it. Only {@code spec} is ever sent back in a create or replace.
 */
public record NamespaceView(
        String name,
        long version,
        Instant createdAt,
        Instant updatedAt,
        String updatedBy,
        NamespaceSpec spec,
        Status status) {

    /**
     * Where provisioning stands.
     *
     * @param phase PROVISIONING, READY, FAILED or DELETING
     * @param reason why it is not READY, when it is not
     * @param attempts failed attempts since the last success
     * @param resources the topics or queues as the backend last reported them
     */
    public record Status(String phase, String reason, int attempts, List<LogResource> resources) {}
}
