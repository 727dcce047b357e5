package io.walgate.adapter.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.walgate.contract.namespace.NamespaceSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What every {@link LogProvisioner} does, against its real backend. A backend's {@code *IT}
 * extends this and says how to look at the backend behind the provisioner's back.
 */
public abstract class LogProvisionerContract {
    /** The provisioner under test; the same one for every test of the class. */
    protected abstract LogProvisioner provisioner();

    /** Every topic or queue name the backend has now, asked directly. */
    protected abstract Set<String> existingResources();

    /** Removes one resource behind the provisioner's back, as a crash half-way through leaves it. */
    protected abstract void removeBehindTheBack(String resource);

    /** How long the backend itself says {@code resource} keeps an entry; empty when forever. */
    protected abstract Optional<Duration> retentionOf(String resource);

    /** A valid namespace of this backend with a name no other test uses. */
    protected NamespaceSpec newNamespace() {
        return TestNamespaces.newNamespace(provisioner().backend());
    }

    private static List<String> names(List<LogResource> resources) {
        return resources.stream().map(LogResource::name).toList();
    }

    @Test
    void thePlanHasOneLogAndOneDeadLetterQueue() {
        List<LogResource> plan = provisioner().plan(newNamespace());
        assertThat(plan).filteredOn(r -> r.role() == LogResource.Role.LOG).hasSize(1);
        assertThat(plan)
                .filteredOn(r -> r.role() == LogResource.Role.DEAD_LETTER)
                .hasSize(1);
        assertThat(names(plan)).doesNotHaveDuplicates();
    }

    @Test
    void reconcileCreatesEveryPlannedResource() {
        NamespaceSpec ns = newNamespace();

        List<LogResource> made = provisioner().reconcile(ns);

        assertThat(names(made)).containsExactlyElementsOf(names(provisioner().plan(ns)));
        assertThat(existingResources()).containsAll(names(made));
        assertThat(names(provisioner().describe(ns))).containsExactlyElementsOf(names(made));
    }

    @Test
    void reconcilingAgainChangesNothingAndFailsNothing() {
        NamespaceSpec ns = newNamespace();
        List<LogResource> first = provisioner().reconcile(ns);

        List<LogResource> second = provisioner().reconcile(ns);

        assertThat(second).isEqualTo(first);
    }

    @Test
    void aReconcileAfterAHalfDoneOneCompletesIt() {
        NamespaceSpec ns = newNamespace();
        List<LogResource> plan = provisioner().plan(ns);
        provisioner().reconcile(ns);
        String lost = plan.get(0).name();
        removeBehindTheBack(lost);
        assertThat(names(provisioner().describe(ns))).doesNotContain(lost);

        provisioner().reconcile(ns);

        assertThat(existingResources()).containsAll(names(plan));
    }

    @Test
    void deleteRemovesEveryResourceAndMayBeRepeated() {
        NamespaceSpec ns = newNamespace();
        List<String> made = names(provisioner().reconcile(ns));

        provisioner().delete(ns);
        provisioner().delete(ns);

        assertThat(provisioner().describe(ns)).isEmpty();
        assertThat(existingResources()).doesNotContainAnyElementsOf(made);
    }

    @Test
    void deletingOneNamespaceLeavesAnotherAlone() {
        NamespaceSpec doomed = newNamespace();
        NamespaceSpec kept = newNamespace();
        provisioner().reconcile(doomed);
        List<String> keptResources = names(provisioner().reconcile(kept));

        provisioner().delete(doomed);

        assertThat(existingResources()).containsAll(keptResources);
        assertThat(Set.copyOf(names(provisioner().plan(doomed)))).doesNotContainAnyElementsOf(keptResources);
    }

    @Test
    void theLogIsCreatedWithTheRetentionTheProvisionerAnnounces() {
        NamespaceSpec ns = newNamespace();

        List<LogResource> made = provisioner().reconcile(ns);

        assertThat(made)
                .filteredOn(r -> r.role() != LogResource.Role.DEAD_LETTER)
                .isNotEmpty()
                .allSatisfy(r -> assertThat(retentionOf(r.name()))
                        .as("retention of %s", r.name())
                        .isEqualTo(provisioner().retention()));
    }

    @Test
    void deadLettersAreKeptAtLeastAsLongAsTheLogKeepsEntries() {
        NamespaceSpec ns = newNamespace();

        List<LogResource> made = provisioner().reconcile(ns);

        LogResource dlq = made.stream()
                .filter(r -> r.role() == LogResource.Role.DEAD_LETTER)
                .findFirst()
                .orElseThrow();
        Optional<Duration> kept = retentionOf(dlq.name());
        Optional<Duration> log = provisioner().retention();
        if (kept.isPresent()) {
            assertThat(log)
                    .as("a log kept forever needs dead letters kept forever")
                    .isPresent();
            assertThat(kept.get()).isGreaterThanOrEqualTo(log.get());
        }
    }

    @Test
    void describingANamespaceThatWasNeverProvisionedFindsNothing() {
        assertThat(provisioner().describe(newNamespace())).isEmpty();
    }
}
