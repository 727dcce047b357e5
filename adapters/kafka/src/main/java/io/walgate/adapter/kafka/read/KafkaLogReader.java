package io.walgate.adapter.kafka.read;

import io.walgate.adapter.kafka.KafkaClientConfigs;
import io.walgate.adapter.kafka.KafkaDeadLetters;
import io.walgate.adapter.spi.DeliveryProgress;
import io.walgate.adapter.spi.EntryHandler;
import io.walgate.adapter.spi.LogAppender;
import io.walgate.adapter.spi.LogReader;
import io.walgate.adapter.spi.Subscription;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.Ordering;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Kafka backend's {@link LogReader}. Namespaces share consumers: each subscription is a member
 * ({@link NamespaceDelivery}) of one of {@code consumers} {@link SharedConsumer}s per region, all
 * in the group of the namespace's shard and that region ({@code KafkaAdapters#deliveryGroup}); a
 * namespace ordered by {@code KEY}, which applies on the polling thread, gets a consumer of its own
 * (in the same group), so that its applies hold up no other namespace. A subscription applies up to
 * {@code lanes} partitions side by side ({@link Lanes}): one on an apply thread of its own (which
 * ends after {@link #IDLE_THREAD} without work, so an idle namespace costs no thread), the others on
 * a pool of {@code applyThreads} threads that every subscription shares. What the subscriptions
 * share, it owns: the appender for retries, the DLQ producer, the Admin clients, the consumers and
 * that pool.
 */
public final class KafkaLogReader implements LogReader {
    /** How many partitions of one namespace are applied side by side, unless configured. */
    public static final int DEFAULT_LANES = 4;
    /** How many consumers per region the namespaces share, unless configured. */
    public static final int DEFAULT_CONSUMERS = 8;
    /** How long {@link #close} waits for the consumers still delivering to end. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(30);
    /**
     * How soon a namespace whose topics do not exist yet is looked at again, at first (then a
     * quarter longer each time: a namespace waits at most a quarter more than its topics took) and
     * at most.
     */
    static final Duration TOPICS_LOOK_AGAIN = Duration.ofMillis(100);

    static final Duration TOPICS_LOOK_AGAIN_MAX = Duration.ofSeconds(2);
    /**
     * How long a namespace whose topics exist waits for every partition's leader: a new one's come
     * within moments; an old one's may be on a broker that is down, and its other partitions are
     * read meanwhile.
     */
    static final Duration LEADERS_WAIT = Duration.ofSeconds(10);
    /** How long an Admin call for quiet delay tiers' end offsets may take ({@link QuietTiers}). */
    static final Duration LOOK_TIMEOUT = Duration.ofMillis(500);
    /** How long a namespace's own apply thread outlives its last apply. */
    static final Duration IDLE_THREAD = Duration.ofSeconds(30);

    private final Map<String, Object> config;
    private final LogAppender retries;
    private final KafkaDeadLetters deadLetters;
    private final Clock clock;
    private final int lanes;
    private final int consumers;
    private final ExecutorService applyPool;
    private final KafkaProducer<byte[], byte[]> deadLetterProducer;
    private final Admin admin;
    /** Where partitions a group never committed start, per region. */
    private final Function<String, StartingOffsets> startingOffsets;
    /** The consumers running, by {@code region/index} (shared) or {@code region/namespace} (KEY). */
    private final Map<String, SharedConsumer> running = new HashMap<>();

    /** A reader with the default lanes, apply threads and consumers. */
    public KafkaLogReader(Map<String, Object> config, LogAppender retries, KafkaDeadLetters deadLetters, Clock clock) {
        this(config, retries, deadLetters, clock, DEFAULT_LANES, DEFAULT_LANES, DEFAULT_CONSUMERS);
    }

    /**
     * @param config the operator's client settings (at least {@code bootstrap.servers}); what each
     *     client needs on top comes from {@link KafkaClientConfigs}
     * @param retries closed with this reader
     * @param deadLetters closed with this reader
     * @param lanes how many partitions of one namespace may be applied side by side (≥ 1)
     * @param applyThreads the threads that run the lanes beyond each subscription's own thread,
     *     shared by every subscription (≥ 1)
     * @param consumers how many consumers per region the namespaces ordered {@code NONE} share (≥ 1)
     */
    public KafkaLogReader(
            Map<String, Object> config,
            LogAppender retries,
            KafkaDeadLetters deadLetters,
            Clock clock,
            int lanes,
            int applyThreads,
            int consumers) {
        if (lanes < 1 || applyThreads < 1 || consumers < 1) {
            throw new IllegalArgumentException("lanes, apply threads and consumers must be at least 1, not " + lanes
                    + ", " + applyThreads + " and " + consumers);
        }
        this.config = Map.copyOf(config);
        this.retries = retries;
        this.deadLetters = deadLetters;
        this.clock = clock;
        this.lanes = lanes;
        this.consumers = consumers;
        this.admin = Admin.create(KafkaClientConfigs.admin(config, "walgate-delivery-admin"));
        this.startingOffsets = region -> StartingOffsets.migrating(admin, region);
        this.deadLetterProducer = new KafkaProducer<>(
                KafkaClientConfigs.deadLetterProducer(config), new ByteArraySerializer(), new ByteArraySerializer());
        this.applyPool = threads(applyThreads, "delivery-lane-");
    }

    @Override
    public BackendType backend() {
        return BackendType.KAFKA;
    }

    @Override
    public Subscription open(
            NamespaceSpec namespace, String region, Supplier<EntryHandler> handlers, DeliveryProgress progress) {
        Lanes applying = new Lanes(handlers, lanes, threads(1, "apply-" + namespace.name() + "-"), applyPool);
        try {
            synchronized (running) {
                String shard = namespace.shard();
                String key = namespace.delivery().ordering() == Ordering.KEY
                        ? "key/" + shard + "/" + region + "/" + namespace.name()
                        : "shared/" + shard + "/" + region + "/"
                                + Math.floorMod(namespace.name().hashCode(), consumers);
                while (true) {
                    SharedConsumer shared = running.get(key);
                    boolean made = shared == null;
                    if (made) {
                        shared = newShared(shard, region, key);
                        running.put(key, shared);
                    }
                    NamespaceDelivery member;
                    try {
                        member = new NamespaceDelivery(
                                namespace,
                                region,
                                shared.consumer(),
                                retries,
                                deadLetterProducer,
                                () -> deadLetters.depth(namespace.backend().topic()),
                                applying,
                                startingOffsets.apply(region),
                                progress,
                                clock);
                    } catch (RuntimeException e) {
                        if (made) {
                            running.remove(key);
                            shared.closeUnused();
                        }
                        throw e;
                    }
                    member.waitForTopics();
                    if (shared.join(member)) {
                        awaitTopics(member, clock.instant().plus(LEADERS_WAIT), TOPICS_LOOK_AGAIN);
                        return member;
                    }
                    running.remove(key, shared); // it ended as its last member left: another one
                }
            }
        } catch (RuntimeException e) {
            applying.close(); // never started: close what was built for it
            throw e;
        }
    }

    private SharedConsumer newShared(String shard, String region, String key) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                KafkaClientConfigs.deliveryConsumer(config, shard, region),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        SharedConsumer[] made = new SharedConsumer[1];
        made[0] = new SharedConsumer("delivery-" + key, consumer, clock, this::endOffsets, () -> {
            synchronized (running) {
                running.remove(key, made[0]); // an ended consumer is never asked again
            }
        });
        return made[0];
    }

    /**
     * Lets {@code member} be admitted once its topics exist and every partition of theirs has a
     * leader: a namespace is delivered as soon as it is created, before its topics may exist. Looks again after {@code wait}, a quarter longer each
     * time up to {@link #TOPICS_LOOK_AGAIN_MAX}, while the member runs. When in doubt (the look
     * fails otherwise: an ACL, a timeout), the member is admitted and its consumer tells.
     */
    private void awaitTopics(NamespaceDelivery member, Instant leadersBy, Duration wait) {
        try {
            admin.describeTopics(member.topics())
                    .allTopicNames()
                    .toCompletionStage()
                    .whenComplete((found, e) -> {
                        try {
                            if (topicsReady(found, e, leadersBy)) {
                                member.topicsExist();
                            } else if (member.running()) {
                                lookAgain(member, leadersBy, wait);
                            }
                        } catch (RuntimeException unexpected) {
                            member.topicsExist(); // when in doubt, subscribe: its consumer tells
                        }
                    });
        } catch (RuntimeException unexpected) {
            member.topicsExist(); // the Admin client is closing, say
        }
    }

    /** Whether a look found the topics, led (or past {@code leadersBy}), or failed otherwise than "unknown". */
    private boolean topicsReady(Map<String, TopicDescription> found, Throwable failure, Instant leadersBy) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof UnknownTopicOrPartitionException) {
            return false;
        }
        return failure != null
                || everyPartitionLed(found.values())
                || !clock.instant().isBefore(leadersBy);
    }

    /** Looks again after {@code wait}, the next time a quarter longer (at most {@link #TOPICS_LOOK_AGAIN_MAX}). */
    private void lookAgain(NamespaceDelivery member, Instant leadersBy, Duration wait) {
        Duration longer = wait.plus(wait.dividedBy(4));
        Duration next = longer.compareTo(TOPICS_LOOK_AGAIN_MAX) < 0 ? longer : TOPICS_LOOK_AGAIN_MAX;
        // Run by the delayer thread itself (it only asks the Admin client): the default executor is
        // a new thread per task on two CPUs or fewer.
        CompletableFuture.delayedExecutor(wait.toMillis(), TimeUnit.MILLISECONDS, Runnable::run)
                .execute(() -> awaitTopics(member, leadersBy, next));
    }

    /**
     * Whether every partition has a leader: a consumer that subscribes before then gets some of them
     * at a later metadata refresh, each costing the group another rebalance.
     */
    private static boolean everyPartitionLed(Collection<TopicDescription> topics) {
        return topics.stream()
                .flatMap(t -> t.partitions().stream())
                .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
    }

    /**
     * The end offsets of {@code partitions}, in one Admin call; a partition it could not tell is left
     * out (its delivery then fetches it).
     */
    private CompletionStage<Map<TopicPartition, Long>> endOffsets(Set<TopicPartition> partitions) {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
        ListOffsetsResult result =
                admin.listOffsets(latest, new ListOffsetsOptions().timeoutMs((int) LOOK_TIMEOUT.toMillis()));
        Map<TopicPartition, Long> ends = new ConcurrentHashMap<>();
        CompletableFuture<?>[] each = partitions.stream()
                .map(p -> result.partitionResult(p)
                        .toCompletionStage()
                        .thenAccept(info -> ends.put(p, info.offset()))
                        .exceptionally(e -> null)
                        .toCompletableFuture())
                .toArray(CompletableFuture<?>[]::new);
        return CompletableFuture.allOf(each).thenApply(done -> ends);
    }

    /**
     * A pool of up to {@code n} daemon threads, each ending after {@link #IDLE_THREAD} without work:
     * threads are spent on namespaces that apply, not on those that wait.
     */
    private static ExecutorService threads(int n, String prefix) {
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(
                n, n, IDLE_THREAD.toMillis(), TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, prefix + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * Stops what still runs (a worker stops its subscriptions first) and waits for it (up to {@link
     * #CLOSE_WAIT}), then closes what is shared.
     */
    @Override
    public void close() {
        List<SharedConsumer> left;
        synchronized (running) {
            left = List.copyOf(running.values());
            running.clear();
        }
        left.forEach(SharedConsumer::stopAll);
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        for (SharedConsumer shared : left) {
            try {
                shared.awaitEnded(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        applyPool.shutdown();
        deadLetterProducer.close();
        admin.close(Duration.ofSeconds(5));
        retries.close();
        deadLetters.close();
    }
}
