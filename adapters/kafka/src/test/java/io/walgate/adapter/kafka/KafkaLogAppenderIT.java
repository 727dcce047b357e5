package io.walgate.adapter.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.walgate.adapter.spi.AppendReceipt;
import io.walgate.adapter.spi.LogAppender;
import io.walgate.adapter.spi.LogAppenderContract;
import io.walgate.adapter.spi.LogProvisioner;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.EnvelopeCodec;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.devstack.Component;
import io.walgate.devstack.Devstack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KafkaLogAppenderIT extends LogAppenderContract {
    private static Devstack devstack;
    private static LogAppender appender;
    private static LogProvisioner provisioner;

    @BeforeAll
    static void start() {
        // Its own broker: the contract kills it.
        devstack = Devstack.builder(Path.of("target", "devstack-appender"))
                .with(Component.KAFKA)
                .randomPorts()
                .fresh()
                .build();
        devstack.start();
        String bootstrap = devstack.kafka().bootstrapServers();
        appender = KafkaAdapters.appender(producerConfig());
        provisioner = KafkaAdapters.provisioner(Map.of("bootstrap.servers", bootstrap));
    }

    private static Map<String, Object> producerConfig() {
        return Map.of(
                "bootstrap.servers", devstack.kafka().bootstrapServers(),
                // Short enough for the broker-down test, long enough for a busy CI machine.
                "delivery.timeout.ms", 20000,
                "request.timeout.ms", 5000,
                "max.block.ms", 3000);
    }

    @AfterAll
    static void stop() {
        appender.close();
        provisioner.close();
        devstack.close();
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
    protected void killBackend() {
        devstack.kafka().kill();
    }

    @Override
    protected void startBackend() {
        devstack.kafka().start();
    }

    @Override
    protected LogAppender newAppender(Duration closeTimeout) {
        return KafkaAdapters.appender(producerConfig(), closeTimeout);
    }

    @Override
    protected long backendPid() {
        return devstack.kafka().pid().orElseThrow();
    }

    @Override
    protected List<Envelope> readLog(NamespaceSpec namespace, int count, Duration timeout) {
        List<Envelope> read = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records(namespace.backend().topic(), count, timeout)) {
            read.add(EnvelopeCodec.decode(r.value()));
        }
        return read;
    }

    private List<ConsumerRecord<byte[], byte[]>> records(String topic, int count, Duration timeout) {
        return devstack.kafka().topics().find(topic, r -> true, count, timeout);
    }

    @Test
    void entriesOfOneKeyAreReadBackInTheOrderTheyWereAppended() throws Exception {
        NamespaceSpec ns = provisionedNamespace();
        List<Envelope> sent = new ArrayList<>();
        List<CompletableFuture<AppendReceipt>> pending = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Envelope e = entry(ns, "the-one-key", "v" + i);
            sent.add(e);
            pending.add(appender.append(ns, e).toCompletableFuture());
        }
        CompletableFuture.allOf(pending.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);

        assertThat(readLog(ns, sent.size(), Duration.ofSeconds(30))).containsExactlyElementsOf(sent);
    }

    @Test
    void aDelayedEntryWaitsInTheLargestDelayTierNotLongerThanItsDelay() throws Exception {
        NamespaceSpec ns = provisionedNamespace();
        String topic = ns.backend().topic();

        assertThat(await(appender.append(ns, dueIn(ns, Duration.ofMillis(500)))).resource())
                .isEqualTo(topic);
        assertThat(await(appender.append(ns, dueIn(ns, Duration.ofSeconds(45)))).resource())
                .isEqualTo(topic + ".delay.30s");
        assertThat(await(appender.append(ns, dueIn(ns, Duration.ofMinutes(90)))).resource())
                .isEqualTo(topic + ".delay.1h");
        assertThat(await(appender.append(ns, dueIn(ns, Duration.ofDays(3)))).resource())
                .isEqualTo(topic + ".delay.6h");
    }

    @Test
    void recordsCarryTheirKeyAndTheHeadersAWorkerRoutesBy() throws Exception {
        NamespaceSpec ns = provisionedNamespace();
        Envelope e = entry(ns, "order-7", "payload");
        await(appender.append(ns, e));

        ConsumerRecord<byte[], byte[]> r =
                records(ns.backend().topic(), 1, Duration.ofSeconds(30)).get(0);
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("order-7");
        assertThat(header(r, "walgate-entry-id")).isEqualTo(e.id().toString());
        assertThat(header(r, "walgate-deliver-at"))
                .isEqualTo(Long.toString(e.deliverAt().toEpochMilli()));
        assertThat(header(r, "traceparent")).isEqualTo(e.traceparent());
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static Envelope dueIn(NamespaceSpec ns, Duration delay) {
        Envelope e = entry(ns, "k", "delayed");
        return new Envelope(
                e.id(),
                e.namespace(),
                1,
                Instant.now().plus(delay),
                e.acceptedAt(),
                null,
                e.partitionKey(),
                null,
                e.contentType(),
                null,
                e.headers(),
                e.target(),
                e.payload());
    }
}
