package io.walgate.client;

import io.walgate.contract.namespace.NamespaceSpec;
import java.util.List;
import java.util.Optional;

/** Where a service (gateway, worker) looks namespaces up. Reads are cheap and never block. */
public interface NamespaceDirectory {
    /** The live namespace of that name (deleted ones are absent). */
    Optional<NamespaceSpec> find(String name);

    /** Every live namespace, in no particular order. */
    List<NamespaceSpec> all();
}
