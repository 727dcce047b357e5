package io.walgate.adapter.kafka.read;

import io.walgate.adapter.kafka.KafkaClientConfigs;
import io.walgate.adapter.kafka.KafkaDeadLetters;
import io.walgate.adapter.spi.DeliveryProgress;
import io.walgate.adapter.spi.EntryHandler;
import io.walgate.adapter.spi.LogAppender;
import io.walgate.adapter.spi.LogReader;
import io.walgate.adapter.spi.Subscription;
import io.walgate.adapter.spi.SubscriptionThread;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.NamespaceSpec;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Kafka backend's {@link LogReader}: each subscription is a {@link KafkaSubscription} on a thread
 * of its own, with its own consumer (group {@code walgate.<namespace>.<region>}), applying up to
 * {@code lanes} partitions side by side ({@link Lanes}): one on an apply thread of its own, the
 * others on a pool of {@code applyThreads} threads that every subscription shares. What the
 * subscriptions share, it owns: the appender for retries, the DLQ producer, the Admin client that
 * asks the DLQs' depths, and that pool.
 */
public final class KafkaLogReader implements LogReader {
    private final Map<String, Object> config;
    private final LogAppender retries;
    private final KafkaDeadLetters deadLetters;
    private final Clock clock;
    private final int lanes;
    private final ExecutorService applyPool;
    private final KafkaProducer<byte[], byte[]> deadLetterProducer;

    /** A reader with {@link #DEFAULT_LANES} lanes per subscription and as many apply threads. */
    public KafkaLogReader(Map<String, Object> config, LogAppender retries, KafkaDeadLetters deadLetters, Clock clock) {
        this(config, retries, deadLetters, clock, DEFAULT_LANES, DEFAULT_LANES);
    }

    /** How many partitions of one namespace are applied side by side, unless configured. */
    public static final int DEFAULT_LANES = 4;

    /**
     * @param config the operator's client settings (at least {@code bootstrap.servers}); what each
     *     client needs on top comes from {@link KafkaClientConfigs}
     * @param retries closed with this reader
     * @param deadLetters closed with this reader
     * @param lanes how many partitions of one namespace may be applied side by side (≥ 1)
     * @param applyThreads the threads that run the lanes beyond each subscription's own thread,
     *     shared by every subscription (≥ 1)
     */
    public KafkaLogReader(
            Map<String, Object> config,
            LogAppender retries,
            KafkaDeadLetters deadLetters,
            Clock clock,
            int lanes,
            int applyThreads) {
        if (lanes < 1 || applyThreads < 1) {
            throw new IllegalArgumentException(
                    "lanes and apply threads must be at least 1, not " + lanes + " and " + applyThreads);
        }
        this.config = Map.copyOf(config);
        this.retries = retries;
        this.deadLetters = deadLetters;
        this.clock = clock;
        this.lanes = lanes;
        this.deadLetterProducer = new KafkaProducer<>(
                KafkaClientConfigs.deadLetterProducer(config), new ByteArraySerializer(), new ByteArraySerializer());
        AtomicInteger n = new AtomicInteger();
        this.applyPool = Executors.newFixedThreadPool(applyThreads, r -> {
            Thread t = new Thread(r, "delivery-lane-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public BackendType backend() {
        return BackendType.KAFKA;
    }

    @Override
    public Subscription open(
            NamespaceSpec namespace, String region, Supplier<EntryHandler> handlers, DeliveryProgress progress) {
        KafkaConsumer<byte[], byte[]> consumer = null;
        Lanes applying = null;
        try {
            applying = new Lanes(handlers, lanes, ownApplyThread("apply-" + namespace.name()), applyPool);
            consumer = new KafkaConsumer<>(
                    KafkaClientConfigs.deliveryConsumer(config, namespace.name(), region),
                    new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
            var loop = new KafkaSubscription(
                    namespace,
                    region,
                    consumer,
                    retries,
                    deadLetterProducer,
                    () -> deadLetters.depth(namespace.backend().topic()),
                    applying,
                    progress,
                    clock);
            return SubscriptionThread.start("delivery-" + namespace.name(), loop);
        } catch (RuntimeException e) {
            // Never started: close what was built for it.
            if (applying != null) {
                applying.close();
            }
            if (consumer != null) {
                consumer.close();
            }
            throw e;
        }
    }

    /** A subscription's own apply thread: one lane of each namespace never waits for another's. */
    private static ExecutorService ownApplyThread(String name) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void close() {
        applyPool.shutdown();
        deadLetterProducer.close();
        retries.close();
        deadLetters.close();
    }
}
