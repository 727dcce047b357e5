package io.walgate.controller;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.walgate.adapter.spi.LogProvisioner;
import io.walgate.adapter.spi.ProvisioningException;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.WalException;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.controller.provision.Provisioners;
import io.walgate.controller.store.NamespaceStore;
import io.walgate.controller.store.Phase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/**
 * Before a delete: a namespace whose log still holds entries its targets have not had is not
 * deleted, because the resources (and those entries) go after the grace period and an acked entry
 * would be lost. A backlog that cannot be counted refuses the delete too (503): not knowing is no
 * reason to drop entries. {@code force} skips both.
 */
@ApplicationScoped
public class DrainCheck {
    private final NamespaceStore store;
    private final SpecCodec codec;
    private final Provisioners provisioners;
    private final Vertx vertx;

    DrainCheck(NamespaceStore store, SpecCodec codec, Provisioners provisioners, Vertx vertx) {
        this.store = store;
        this.codec = codec;
        this.provisioners = provisioners;
        this.vertx = vertx;
    }

    /** Fails with {@link NamespaceNotDrained} or {@code BACKEND_UNAVAILABLE}; 404 when there is no such namespace. */
    public Uni<Void> drained(String name) {
        return store.get(name).chain(row -> {
            if (Phase.DELETING.name().equals(row.phase)) {
                return Uni.createFrom().voidItem(); // deleted already; repeating the delete stays a no-op
            }
            NamespaceSpec spec = codec.spec(row.spec);
            LogProvisioner provisioner = provisioners.forBackend(spec.backend().type());
            // Blocking and up to LogProvisioner.UNDELIVERED_TIMEOUT long: off the event loop.
            return vertx.executeBlocking(() -> provisioner.undelivered(spec))
                    .onFailure(ProvisioningException.class)
                    .transform(
                            e -> new WalException(
                                    ErrorCode.BACKEND_UNAVAILABLE,
                                    "cannot count the entries namespace '" + name + "' has not delivered yet ("
                                            + e.getMessage()
                                            + "); retry, or delete with force=true (walctl ns delete --force) to drop whatever it holds"))
                    .invoke(undelivered -> refuseBacklog(name, undelivered))
                    .replaceWithVoid();
        });
    }

    private static void refuseBacklog(String name, Map<String, Long> undelivered) {
        if (undelivered.values().stream().anyMatch(count -> count > 0)) {
            throw new NamespaceNotDrained(name, undelivered);
        }
    }
}
