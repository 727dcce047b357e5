package io.walgate.adapter.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walgate.adapter.spi.LogProvisioner;
import io.walgate.adapter.spi.ProvisioningException;
import io.walgate.adapter.spi.TestNamespaces;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.RegionTarget;
import io.walgate.contract.namespace.TargetSpec;
import io.walgate.contract.namespace.TargetType;
import io.walgate.devstack.DevstackExtension;
import io.walgate.devstack.KafkaServer;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** What a region's workers have not applied yet, counted from the offsets its consumer group committed. */
@ExtendWith(DevstackExtension.class)
class KafkaBacklogIT {
    private static String bootstrap;
    private static LogProvisioner provisioner;

    @BeforeAll
    static void connect(KafkaServer kafka) {
        bootstrap = kafka.bootstrapServers();
        provisioner = KafkaAdapters.provisioner(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    @AfterAll
    static void disconnect() {
        provisioner.close();
    }

    @Test
    void eachRegionCountsWhatItsGroupHasNotCommittedInTheLogAndItsDelayTiers() throws Exception {
        NamespaceSpec ns = twoRegions(TestNamespaces.newNamespace(BackendType.KAFKA));
        provisioner.reconcile(ns);
        String log = ns.backend().topic();
        String tier = KafkaDelayTiers.topicName(log, Duration.ofMinutes(10));
        produce(log, 0, 5);
        produce(log, 2, 1);
        produce(tier, 1, 2);

        // eu's workers applied the first three entries of partition 0; us' have applied nothing.
        commit(KafkaAdapters.deliveryGroup(ns, "eu"), Map.of(new TopicPartition(log, 0), new OffsetAndMetadata(3)));

        assertThat(provisioner.undelivered(ns)).containsExactlyInAnyOrderEntriesOf(Map.of("eu", 5L, "us", 8L));
    }

    @Test
    void aNamespaceWhoseFormerGroupCommittedEverythingHasNothingUndeliveredBeforeItsWorkersMigrate() throws Exception {
        NamespaceSpec ns = TestNamespaces.newNamespace(BackendType.KAFKA);
        provisioner.reconcile(ns);
        produce(ns.backend().topic(), 1, 4);

        commit(
                KafkaAdapters.formerDeliveryGroup(ns.name(), "local"),
                Map.of(new TopicPartition(ns.backend().topic(), 1), new OffsetAndMetadata(4)));

        assertThat(provisioner.undelivered(ns)).containsExactlyEntriesOf(Map.of("local", 0L));
    }

    @Test
    void theSharedGroupsCommitCountsOverTheFormerGroupsOnceTheWorkersMigrated() throws Exception {
        NamespaceSpec ns = TestNamespaces.newNamespace(BackendType.KAFKA);
        provisioner.reconcile(ns);
        TopicPartition partition = new TopicPartition(ns.backend().topic(), 1);
        produce(partition.topic(), 1, 4);

        commit(KafkaAdapters.formerDeliveryGroup(ns.name(), "local"), Map.of(partition, new OffsetAndMetadata(1)));
        commit(KafkaAdapters.deliveryGroup(ns, "local"), Map.of(partition, new OffsetAndMetadata(3)));

        assertThat(provisioner.undelivered(ns)).containsExactlyEntriesOf(Map.of("local", 1L));
    }

    @Test
    void aNamespaceWithoutTopicsHasNothingUndelivered() {
        NamespaceSpec ns = TestNamespaces.newNamespace(BackendType.KAFKA);

        assertThat(provisioner.undelivered(ns)).containsExactlyEntriesOf(Map.of("local", 0L));
    }

    @Test
    @Timeout(60)
    void aBrokerThatDoesNotAnswerIsAFailureNotAnEmptyBacklog() throws Exception {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        try (LogProvisioner unreachable = KafkaAdapters.provisioner(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + deadPort))) {
            NamespaceSpec ns = TestNamespaces.newNamespace(BackendType.KAFKA);

            assertThatThrownBy(() -> unreachable.undelivered(ns))
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessageContaining("within 10 s");
        }
    }

    private static NamespaceSpec twoRegions(NamespaceSpec ns) {
        TargetSpec target = new TargetSpec(
                TargetType.HTTP,
                Map.of(
                        "eu",
                        new RegionTarget("http://127.0.0.1:1", null),
                        "us",
                        new RegionTarget("http://127.0.0.1:2", null)));
        return new NamespaceSpec(
                ns.name(),
                ns.shard(),
                ns.owner(),
                ns.state(),
                ns.backend(),
                ns.delivery(),
                ns.retry(),
                target,
                ns.limits(),
                ns.access());
    }

    private static void produce(String topic, int partition, int count) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, partition, null, new byte[] {(byte) i}))
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Commits as a worker of that group does after applying entries. */
    private static void commit(String group, Map<TopicPartition, OffsetAndMetadata> offsets) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                group,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class))) {
            consumer.assign(offsets.keySet());
            consumer.commitSync(offsets, Duration.ofSeconds(30));
        }
    }
}
