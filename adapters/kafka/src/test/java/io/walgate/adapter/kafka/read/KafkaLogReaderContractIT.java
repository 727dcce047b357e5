package io.walgate.adapter.kafka.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.walgate.adapter.kafka.KafkaAdapters;
import io.walgate.adapter.spi.DeliveryContract;
import io.walgate.adapter.spi.DeliveryProgress;
import io.walgate.adapter.spi.LogAppender;
import io.walgate.adapter.spi.LogProvisioner;
import io.walgate.adapter.spi.LogReader;
import io.walgate.adapter.spi.Subscription;
import io.walgate.adapter.spi.Verdict;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.EnvelopeCodec;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.Ordering;
import io.walgate.devstack.Component;
import io.walgate.devstack.Devstack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KafkaLogReaderContractIT extends DeliveryContract {
    private static Devstack devstack;
    private static LogReader reader;
    private static LogAppender appender;
    private static LogProvisioner provisioner;
    private static KafkaProducer<byte[], byte[]> raw;
    private static Admin admin;

    @BeforeAll
    static void start() {
        devstack = Devstack.builder(Path.of("target", "devstack-reader"))
                .with(Component.KAFKA)
                .randomPorts()
                .fresh()
                .build();
        devstack.start();
        Map<String, Object> config =
                Map.of("bootstrap.servers", devstack.kafka().bootstrapServers());
        reader = KafkaAdapters.reader(config);
        appender = KafkaAdapters.appender(config);
        provisioner = KafkaAdapters.provisioner(config);
        raw = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        admin = Admin.create(config);
    }

    @AfterAll
    static void stop() {
        raw.close();
        admin.close();
        reader.close();
        appender.close();
        provisioner.close();
        devstack.close();
    }

    @Override
    protected LogReader reader() {
        return reader;
    }

    @Override
    protected LogAppender appender() {
        return appender;
    }

    @Override
    protected LogProvisioner provisioner() {
        return provisioner;
    }

    @Override
    protected boolean supportsKeyOrdering() {
        return true;
    }

    @Override
    protected void appendRaw(NamespaceSpec namespace, byte[] bytes) {
        try {
            raw.send(new ProducerRecord<>(namespace.backend().topic(), "k".getBytes(StandardCharsets.UTF_8), bytes))
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected List<DeadLetter> readDeadLetters(NamespaceSpec namespace, int count, Duration timeout) {
        return devstack.kafka().topics().find(namespace.backend().topic() + ".dlq", r -> true, count, timeout).stream()
                .map(r -> {
                    Map<String, String> headers = new HashMap<>();
                    r.headers().forEach(h -> headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8)));
                    return new DeadLetter(
                            headers.containsKey("walgate-entry-id") ? EnvelopeCodec.decode(r.value()) : null, headers);
                })
                .toList();
    }

    @Test
    void aNamespaceGoesOnWhereItsFormerOwnGroupCommittedAndTheSharedGroupTakesItOver() throws Exception {
        NamespaceSpec ns = newNamespace(Ordering.NONE);
        TopicPartition partition = new TopicPartition(ns.backend().topic(), 0);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Envelope e = entry(ns, "k" + i, null);
            raw.send(new ProducerRecord<>(
                            partition.topic(),
                            0,
                            e.target().key().getBytes(StandardCharsets.UTF_8),
                            EnvelopeCodec.encode(e)))
                    .get(30, TimeUnit.SECONDS);
            ids.add(e.id().toString());
        }
        // Before consumers were shared, the namespace's own group had delivered the first three.
        admin.alterConsumerGroupOffsets(
                        KafkaAdapters.formerDeliveryGroup(ns.name(), "local"),
                        Map.of(partition, new OffsetAndMetadata(3)))
                .all()
                .get(30, TimeUnit.SECONDS);

        RecordingHandler handler = new RecordingHandler();
        open(ns, handler, new DeliveryProgress() {});

        await().atMost(Duration.ofSeconds(60)).until(() -> handler.ids().containsAll(ids.subList(3, 5)));
        assertThat(handler.ids())
                .as("in log order: had they come, they would have come first")
                .doesNotContainAnyElementsOf(ids.subList(0, 3));
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            OffsetAndMetadata shared = admin.listConsumerGroupOffsets(KafkaAdapters.deliveryGroup(ns, "local"))
                    .partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS)
                    .get(partition);
            return shared != null && shared.offset() == 5;
        });
    }

    @Test
    void underKeyOrderingAStopWithAHeldKeyHandsOverOnlyThatKeysEntriesAgain() throws Exception {
        NamespaceSpec ns = newNamespace(Ordering.KEY);
        Envelope held = entry(ns, "held", null);
        List<Envelope> others = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            others.add(entry(ns, "other-" + i, null));
        }
        RecordingHandler first = new RecordingHandler();
        first.verdicts = e -> e.id().equals(held.id())
                ? new Verdict.Retry(e.withFailure("HTTP_503", "busy", Instant.now())
                        .retryAt(Instant.now().plusSeconds(600)))
                : new Verdict.Done();
        Subscription subscription = open(ns, first, new DeliveryProgress() {});
        sendToPartitionZero(ns, held);
        for (Envelope e : others) {
            sendToPartitionZero(ns, e);
        }
        await().atMost(Duration.ofSeconds(60))
                .until(() -> first.ids()
                        .containsAll(others.stream().map(e -> e.id().toString()).toList()));

        subscription.stop();
        assertThat(subscription.awaitStopped(Duration.ofSeconds(30))).isTrue();
        RecordingHandler second = new RecordingHandler();
        open(ns, second, new DeliveryProgress() {});
        Envelope sentinel = entry(ns, "after", null);
        sendToPartitionZero(ns, sentinel);

        // In log order: once the sentinel is in, anything handed over again has come before it.
        await().atMost(Duration.ofSeconds(60))
                .until(() -> second.ids().contains(sentinel.id().toString()));
        assertThat(second.ids())
                .as("the held entry again, not the other keys' applied before the stop")
                .containsExactlyInAnyOrder(held.id().toString(), sentinel.id().toString());
    }

    private static void sendToPartitionZero(NamespaceSpec ns, Envelope e) throws Exception {
        raw.send(new ProducerRecord<>(
                        ns.backend().topic(),
                        0,
                        e.target().key().getBytes(StandardCharsets.UTF_8),
                        EnvelopeCodec.encode(e)))
                .get(30, TimeUnit.SECONDS);
    }
}
