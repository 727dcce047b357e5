package io.walgate.adapter.spi;

import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.NamespaceSpec;
import java.util.List;

/**
 * Creates, reconciles, describes and deletes the backend resources of namespaces: the log, its
 * dead-letter queue and, on Kafka, the delay tiers.
 *
 * <ol>
 *   <li>One instance serves many namespaces of its {@link #backend()}; create it once, {@link
 *       #close()} it once.
 *   <li>Every method is blocking and safe to call from several threads at once; each is bounded by
 *       the backend client's timeouts and never waits forever.
 *   <li>{@link #reconcile} and {@link #delete} are idempotent: repeating one, or running it after a
 *       crash half-way through, converges on the same result. That is what lets the controller
 *       retry until the backend matches the spec.
 *   <li>Failures are {@link ProvisioningException}s that say whether a retry may help.
 * </ol>
 *
 * Specs passed in have their defaults filled in ({@link NamespaceSpec#withDefaults()}).
 */
public interface LogProvisioner extends AutoCloseable {

    /** The backend this provisioner serves. */
    BackendType backend();

    /** The resources {@code namespace} should have, without touching the backend. */
    List<LogResource> plan(NamespaceSpec namespace);

    /**
     * Creates what is missing and brings what exists in line with the spec (e.g. more partitions,
     * a changed redrive policy).
     *
     * @return every resource as it now is, in {@link #plan} order
     * @throws ProvisioningException when the backend cannot be made to match
     */
    List<LogResource> reconcile(NamespaceSpec namespace);

    /**
     * The planned resources that exist now, as the backend reports them; empty when none do.
     *
     * @throws ProvisioningException when the backend cannot be asked
     */
    List<LogResource> describe(NamespaceSpec namespace);

    /**
     * Removes every resource of {@code namespace}, and the entries in them. Missing resources are
     * not an error.
     *
     * @throws ProvisioningException when the backend refuses or cannot be reached
     */
    void delete(NamespaceSpec namespace);

    @Override
    void close();
}
