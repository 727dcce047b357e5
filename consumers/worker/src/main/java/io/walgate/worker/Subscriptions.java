package io.walgate.worker;

import io.walgate.adapter.spi.LogAppender;
import io.walgate.consumers.engine.KafkaDelivery;
import io.walgate.consumers.engine.PayloadStore;
import io.walgate.consumers.targets.Targets;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.NamespaceState;
import io.walgate.contract.namespace.RegionTarget;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One delivery per namespace this worker serves: of its shard, on Kafka, ACTIVE, with a target
 * endpoint in its region. Started, restarted (on a spec change) and stopped as the change feed
 * says; pausing a namespace stops its delivery, resuming starts it again where it left off (the
 * consumer group's committed offsets).
 */
final class Subscriptions implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Subscriptions.class.getName());

    private record Running(NamespaceSpec spec, KafkaDelivery delivery, Thread thread) {}

    private final String shard;
    private final String region;
    private final Map<String, Object> kafka;
    private final LogAppender retries;
    private final Supplier<PayloadStore> payloads;
    private final DeliveryMetrics events;
    private final Map<String, Running> running = new HashMap<>();

    Subscriptions(
            String shard,
            String region,
            Map<String, Object> kafka,
            LogAppender retries,
            Supplier<PayloadStore> payloads,
            DeliveryMetrics events) {
        this.shard = shard;
        this.region = region;
        this.kafka = Map.copyOf(kafka);
        this.retries = retries;
        this.payloads = payloads;
        this.events = events;
    }

    /** Brings the namespace's delivery in line with its spec. */
    synchronized void changed(NamespaceSpec spec) {
        Running current = running.get(spec.name());
        boolean wanted = serves(spec);
        if (current != null && (!wanted || !current.spec().equals(spec))) {
            stop(current);
            running.remove(spec.name());
            current = null;
        }
        if (wanted && current == null) {
            running.put(spec.name(), start(spec));
        }
    }

    synchronized int size() {
        return running.size();
    }

    private boolean serves(NamespaceSpec spec) {
        return spec.shard().equals(shard)
                && spec.state() == NamespaceState.ACTIVE
                && spec.backend().type() == BackendType.KAFKA
                && spec.target().regions().containsKey(region);
    }

    private Running start(NamespaceSpec spec) {
        RegionTarget endpoint = spec.target().regions().get(region);
        Map<String, Object> consumer = new HashMap<>(kafka);
        consumer.put("group.id", "walgate." + spec.name() + "." + region);
        consumer.put("enable.auto.commit", false);
        consumer.put("auto.offset.reset", "earliest");
        Map<String, Object> producer = new HashMap<>(kafka);
        producer.put("acks", "all");
        producer.put("enable.idempotence", true);
        KafkaDelivery delivery = new KafkaDelivery(
                spec,
                region,
                new KafkaConsumer<>(consumer, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
                retries,
                new KafkaProducer<>(producer, new ByteArraySerializer(), new ByteArraySerializer()),
                Targets.of(spec.target().type(), endpoint),
                payloads.get(),
                events.forNamespace(spec.name(), region),
                Clock.systemUTC());
        Thread thread = new Thread(delivery, "delivery-" + spec.name());
        thread.setDaemon(true);
        thread.start();
        LOG.log(
                Level.INFO,
                "delivering namespace {0} to its {1} target in region {2}",
                spec.name(),
                spec.target().type(),
                region);
        return new Running(spec, delivery, thread);
    }

    private static void stop(Running r) {
        r.delivery().stop();
        try {
            r.thread().join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.log(Level.INFO, "stopped delivering namespace {0}", r.spec().name());
    }

    @Override
    public synchronized void close() {
        running.values().forEach(Subscriptions::stop);
        running.clear();
    }
}
