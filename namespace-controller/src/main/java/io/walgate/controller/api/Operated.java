package io.walgate.controller.api;

import io.smallrye.mutiny.Uni;
import io.walgate.contract.namespace.Caller;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.controller.SpecCodec;
import io.walgate.controller.security.AccessPolicy;
import io.walgate.controller.store.NamespaceRow;
import io.walgate.controller.store.NamespaceStore;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The namespace an operator's call is about, once the caller may operate it: authenticated first,
 * then the name checked, then {@link AccessPolicy#mustOperate} (a stranger gets the {@code 404} of a
 * missing namespace, a writer {@code 403}).
 */
@ApplicationScoped
class Operated {
    private final AccessPolicy access;
    private final NamespaceStore store;
    private final SpecCodec codec;

    Operated(AccessPolicy access, NamespaceStore store, SpecCodec codec) {
        this.access = access;
        this.store = store;
        this.codec = codec;
    }

    /** @param row as stored: its state (paused?) and phase (ready? being deleted?) */
    record Namespace(Caller caller, NamespaceSpec spec, NamespaceRow row) {}

    Uni<Namespace> namespace(String name) {
        return access.caller()
                .invoke(() -> Params.name(name))
                .chain(caller -> store.get(name).map(row -> {
                    NamespaceSpec spec = codec.spec(row.spec);
                    access.mustOperate(caller, spec);
                    return new Namespace(caller, spec, row);
                }));
    }
}
