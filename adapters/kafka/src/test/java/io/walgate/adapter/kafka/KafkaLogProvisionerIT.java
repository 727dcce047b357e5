package io.walgate.adapter.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walgate.adapter.spi.LogProvisioner;
import io.walgate.adapter.spi.LogProvisionerContract;
import io.walgate.adapter.spi.LogResource;
import io.walgate.adapter.spi.ProvisioningException;
import io.walgate.contract.namespace.BackendSpec;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.devstack.DevstackExtension;
import io.walgate.devstack.KafkaServer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(DevstackExtension.class)
class KafkaLogProvisionerIT extends LogProvisionerContract {
    private static LogProvisioner provisioner;
    private static Admin admin;

    @BeforeAll
    static void connect(KafkaServer kafka) {
        provisioner =
                KafkaAdapters.provisioner(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    @AfterAll
    static void disconnect() {
        provisioner.close();
        admin.close();
    }

    @Override
    protected LogProvisioner provisioner() {
        return provisioner;
    }

    @Override
    protected Set<String> existingResources() {
        try {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Override
    protected void removeBehindTheBack(String resource) {
        try {
            admin.deleteTopics(List.of(resource)).all().get(30, TimeUnit.SECONDS);
            // Topic deletion is asynchronous on the broker; wait until it is really gone.
            for (int i = 0; i < 100 && existingResources().contains(resource); i++) {
                Thread.sleep(100);
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void everyTopicGetsTheAskedPartitionsIncludingTheDelayLadder() {
        NamespaceSpec ns = withPartitions(newNamespace(), 5);

        List<LogResource> made = provisioner.reconcile(ns);

        assertThat(made).hasSize(2 + KafkaDelayTiers.TIERS.size());
        assertThat(made).allSatisfy(r -> assertThat(r.attributes()).containsEntry("partitions", "5"));
        assertThat(made)
                .extracting(LogResource::name)
                .contains(
                        ns.backend().topic(),
                        ns.backend().topic() + ".dlq",
                        ns.backend().topic() + ".delay.30s",
                        ns.backend().topic() + ".delay.6h");
    }

    @Test
    void raisingPartitionsGrowsEveryTopic() {
        NamespaceSpec ns = withPartitions(newNamespace(), 2);
        provisioner.reconcile(ns);

        List<LogResource> grown = provisioner.reconcile(withPartitions(ns, 4));

        assertThat(grown).allSatisfy(r -> assertThat(r.attributes()).containsEntry("partitions", "4"));
    }

    @Test
    void loweringPartitionsIsRefusedWithAReasonAndNoRetry() {
        NamespaceSpec ns = withPartitions(newNamespace(), 4);
        provisioner.reconcile(ns);

        assertThatThrownBy(() -> provisioner.reconcile(withPartitions(ns, 2)))
                .isInstanceOf(ProvisioningException.class)
                .hasMessageContaining("cannot shrink")
                .satisfies(
                        e -> assertThat(((ProvisioningException) e).retryable()).isFalse());
    }

    private static NamespaceSpec withPartitions(NamespaceSpec s, int partitions) {
        return s.withBackend(new BackendSpec(s.backend().type(), s.backend().topic(), partitions));
    }
}
