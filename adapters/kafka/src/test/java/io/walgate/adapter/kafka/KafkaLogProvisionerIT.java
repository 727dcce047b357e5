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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(DevstackExtension.class)
class KafkaLogProvisionerIT extends LogProvisionerContract {
    private static LogProvisioner provisioner;
    private static Admin admin;

    private static String bootstrap;

    @BeforeAll
    static void connect(KafkaServer kafka) {
        bootstrap = kafka.bootstrapServers();
        provisioner = KafkaAdapters.provisioner(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
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
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> !existingResources().contains(resource));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Override
    protected Optional<Duration> retentionOf(String topic) {
        long ms = Long.parseLong(topicConfig(topic, TopicConfig.RETENTION_MS_CONFIG));
        return ms < 0 ? Optional.empty() : Optional.of(Duration.ofMillis(ms));
    }

    private static String topicConfig(String topic, String name) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            return admin.describeConfigs(List.of(resource))
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .get(resource)
                    .get(name)
                    .value();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void onOneBrokerTheDefaultsAreOneCopyAWeekForTheLogAndThirtyDaysForDeadLetters() {
        NamespaceSpec ns = newNamespace();

        List<LogResource> made = provisioner.reconcile(ns);

        assertThat(provisioner.retention()).contains(Duration.ofDays(7));
        assertThat(made)
                .allSatisfy(r -> assertThat(r.attributes())
                        .containsEntry("replicationFactor", "1")
                        .containsEntry("minInsyncReplicas", "1")
                        .containsEntry("retentionBytes", "-1")
                        .containsEntry(
                                "retentionMs",
                                Long.toString((r.role() == LogResource.Role.DEAD_LETTER
                                                ? Duration.ofDays(30)
                                                : Duration.ofDays(7))
                                        .toMillis())));
        assertThat(retentionOf(ns.backend().topic() + ".dlq")).contains(Duration.ofDays(30));
    }

    @Test
    void topicsCarryTheConfiguredRetentionAndDeadLettersMayBeKeptForever() {
        KafkaTopicSettings settings = new KafkaTopicSettings(
                OptionalInt.of(1), OptionalInt.of(1), Optional.of(Duration.ofDays(3)), Optional.empty());
        try (LogProvisioner configured =
                KafkaAdapters.provisioner(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), settings)) {
            NamespaceSpec ns = newNamespace();

            List<LogResource> made = configured.reconcile(ns);

            for (LogResource r : made) {
                assertThat(topicConfig(r.name(), TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG))
                        .isEqualTo("1");
                assertThat(retentionOf(r.name()))
                        .as(r.name())
                        .isEqualTo(
                                r.role() == LogResource.Role.DEAD_LETTER
                                        ? Optional.empty()
                                        : Optional.of(Duration.ofDays(3)));
            }
            assertThat(configured.retention()).contains(Duration.ofDays(3));
        }
    }

    @Test
    void aRetentionChangedBehindTheBackIsRestored() throws Exception {
        NamespaceSpec ns = newNamespace();
        provisioner.reconcile(ns);
        ConfigResource log =
                new ConfigResource(ConfigResource.Type.TOPIC, ns.backend().topic());
        admin.incrementalAlterConfigs(Map.of(
                        log,
                        List.of(new AlterConfigOp(
                                new ConfigEntry(TopicConfig.RETENTION_MS_CONFIG, "60000"), AlterConfigOp.OpType.SET))))
                .all()
                .get(30, TimeUnit.SECONDS);

        List<LogResource> again = provisioner.reconcile(ns);

        assertThat(retentionOf(ns.backend().topic())).contains(Duration.ofDays(7));
        assertThat(again.get(0).attributes())
                .containsEntry("retentionMs", Long.toString(Duration.ofDays(7).toMillis()));
    }

    @Test
    void moreCopiesThanTheClusterHasBrokersIsRefusedWithAReasonAndNoRetry() {
        KafkaTopicSettings settings = new KafkaTopicSettings(
                OptionalInt.of(3),
                OptionalInt.empty(),
                Optional.of(Duration.ofDays(7)),
                Optional.of(Duration.ofDays(30)));
        try (LogProvisioner tooMany =
                KafkaAdapters.provisioner(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), settings)) {
            assertThatThrownBy(() -> tooMany.reconcile(newNamespace()))
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessageContaining("eplication factor")
                    .satisfies(e ->
                            assertThat(((ProvisioningException) e).retryable()).isFalse());
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
