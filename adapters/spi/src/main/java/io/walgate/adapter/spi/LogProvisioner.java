package io.walgate.adapter.spi;

import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.NamespaceSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
 *   <li>Durability settings are explicit, never the backend's defaults: the retention of the log
 *       and of its dead letters (and on Kafka the replication factor and {@code
 *       min.insync.replicas}) are set on creation, restored by {@link #reconcile} when they drift,
 *       and reported among each {@link LogResource}'s attributes.
 *   <li>{@link #undelivered} never guesses: a count it cannot get within {@link
 *       #UNDELIVERED_TIMEOUT} is a {@link ProvisioningException}, never a zero, so that nothing
 *       deletes a namespace whose backlog it could not see.
 * </ol>
 *
 * Specs passed in have their defaults filled in ({@link NamespaceSpec#withDefaults()}).
 */
public interface LogProvisioner extends AutoCloseable {

    /** The backend this provisioner serves. */
    BackendType backend();

    /**
     * How long the log (and, on Kafka, its delay tiers) keeps an entry before the backend drops it
     * unread; empty when it keeps entries until they are consumed. An entry that waits longer (a
     * {@code maxDelay}, a retry span) would be lost silently, so the controller refuses a namespace
     * whose waits exceed it.
     */
    Optional<Duration> retention();

    /** The longest {@link #undelivered} takes before it gives up. */
    Duration UNDELIVERED_TIMEOUT = Duration.ofSeconds(10);

    /**
     * How many entries of {@code namespace} each target region has not had delivered yet, delayed
     * and retried entries included, dead letters not: region name to count, one key per region of
     * the spec, 0 when its resources do not exist. Approximate where the backend is (SQS), but
     * never 0 for a backlog the backend reports.
     *
     * @throws ProvisioningException when the backend cannot tell within {@link #UNDELIVERED_TIMEOUT}
     */
    Map<String, Long> undelivered(NamespaceSpec namespace);

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
