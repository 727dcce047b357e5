package io.walgate.consumers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.walgate.adapter.spi.LogAppender;
import io.walgate.adapter.spi.LogReader;
import io.walgate.adapter.spi.Subscription;
import io.walgate.adapter.spi.TestNamespaces;
import io.walgate.adapter.sqs.SqsAdapters;
import io.walgate.adapter.sqs.read.SqsLogReader;
import io.walgate.consumers.engine.Attempts;
import io.walgate.consumers.engine.DeliveryEvents;
import io.walgate.consumers.engine.ReportedProgress;
import io.walgate.consumers.targets.TargetContext;
import io.walgate.consumers.targets.TargetRegistry;
import io.walgate.contract.EntryId;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.EnvelopeCodec;
import io.walgate.contract.entry.Lifecycle;
import io.walgate.contract.entry.TargetOp;
import io.walgate.contract.entry.TargetOverride;
import io.walgate.contract.entry.WriteRequest;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.RegionTarget;
import io.walgate.contract.namespace.RetryPolicy;
import io.walgate.contract.namespace.TargetSpec;
import io.walgate.contract.namespace.TargetType;
import io.walgate.devstack.Component;
import io.walgate.devstack.Devstack;
import io.walgate.devstack.SqsServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The delivery engine between a real SQS queue (ElasticMQ) and real targets. */
class SqsDeliveryIT {
    private static final TargetRegistry TARGETS = TargetRegistry.load();
    private static final EntryId.Generator IDS = new EntryId.Generator();
    private static Devstack devstack;
    private static SqsClient sqs;
    private static LogAppender appender;
    private static LogReader reader;
    private final List<Subscription> running = new ArrayList<>();
    private HttpServer http;
    /** The DLQ depth the running delivery last reported. */
    private final AtomicLong reportedDeadLetters = new AtomicLong(-2);

    private final DeliveryEvents backlog = new DeliveryEvents() {
        @Override
        public void backlog(long lag, long deadLetters) {
            reportedDeadLetters.set(deadLetters);
        }
    };

    @BeforeAll
    static void start() {
        devstack = Devstack.builder(Path.of("target", "devstack-sqs-delivery"))
                .with(Component.SQS, Component.REDIS)
                .randomPorts()
                .fresh()
                .build();
        devstack.start();
        sqs = SqsAdapters.client(
                URI.create(devstack.sqs().endpoint()),
                SqsServer.REGION,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("walgate", "walgate")));
        appender = SqsAdapters.appender(sqs, 4);
        reader = new SqsLogReader(sqs, appender, Clock.systemUTC(), 1);
    }

    @AfterAll
    static void stop() {
        if (reader != null) {
            reader.close(); // and the appender it was given
        }
        if (sqs != null) {
            sqs.close();
        }
        if (devstack != null) {
            devstack.close();
        }
    }

    @AfterEach
    void stopWorkers() {
        running.forEach(Subscription::stop);
        if (http != null) {
            http.stop(0);
        }
    }

    private static NamespaceSpec namespace(TargetType type, String url, RetryPolicy retry) {
        NamespaceSpec ns = TestNamespaces.newNamespace(BackendType.SQS)
                .withTarget(new TargetSpec(type, Map.of("local", new RegionTarget(url, null))))
                .withRetry(retry.withDefaults());
        SqsAdapters.provisioner(sqs).reconcile(ns);
        return ns;
    }

    private void deliver(NamespaceSpec ns) {
        var handlers = Attempts.perLane(
                ns, "local", TARGETS, TargetContext.of(ns.name(), "local"), () -> null, backlog, Clock.systemUTC());
        running.add(reader.open(
                ns, "local", handlers, new ReportedProgress(ns.name() + " (local)", backlog, Clock.systemUTC())));
    }

    private static Envelope entry(NamespaceSpec ns, String key, String payload, Duration delay) {
        Instant now = Instant.now();
        WriteRequest request = new WriteRequest(
                ns.name(),
                delay == null ? Lifecycle.immediate() : Lifecycle.after(delay),
                payload.getBytes(StandardCharsets.UTF_8),
                new TargetOverride(key, TargetOp.PUT, Map.of()),
                key,
                null,
                Map.of(),
                "text/plain");
        return Envelope.accept(request, IDS.next(), now, delay == null ? now : now.plus(delay), null);
    }

    private static RedisClient redis() {
        return RedisClient.create(URI.create(devstack.redis().endpoint()));
    }

    @Test
    void entriesReachRedisAndAreDeletedFromTheQueue() throws Exception {
        NamespaceSpec ns = namespace(TargetType.REDIS, devstack.redis().endpoint(), RetryPolicy.defaults());
        deliver(ns);
        for (int i = 0; i < 30; i++) {
            appender.append(ns, entry(ns, ns.name() + ":k" + i, "v" + i, null))
                    .toCompletableFuture()
                    .get();
        }
        try (RedisClient redis = redis()) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                for (int i = 0; i < 30; i++) {
                    assertThat(redis.get(ns.name() + ":k" + i)).isEqualTo("v" + i);
                }
            });
        }
        String url = sqs.getQueueUrl(b -> b.queueName(ns.backend().topic())).queueUrl();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(
                                sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNamesWithStrings("All"))
                                        .attributesAsStrings())
                        .containsEntry("ApproximateNumberOfMessages", "0")
                        .containsEntry("ApproximateNumberOfMessagesNotVisible", "0"));
    }

    @Test
    void anEntryThatArrivesBeforeItIsDueIsReEnqueuedForTheRestOfItsDelay() throws Exception {
        // What the appender does for a delay beyond SQS's 15 minutes, shortened: the message becomes
        // visible (here at once) while the entry is still 6 s from due.
        NamespaceSpec ns = namespace(TargetType.REDIS, devstack.redis().endpoint(), RetryPolicy.defaults());
        Envelope early = entry(ns, ns.name() + ":early", "due", Duration.ofSeconds(6));
        String url = sqs.getQueueUrl(b -> b.queueName(ns.backend().topic())).queueUrl();
        sqs.sendMessage(
                b -> b.queueUrl(url).messageBody(Base64.getEncoder().encodeToString(EnvelopeCodec.encode(early))));
        // A sentinel due now, sent after it: once it is applied, the delivery has received both.
        appender.append(ns, entry(ns, ns.name() + ":sentinel", "now", null))
                .toCompletableFuture()
                .get();
        deliver(ns);

        try (RedisClient redis = redis()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> "now".equals(redis.get(ns.name() + ":sentinel")));
            String before = redis.get(ns.name() + ":early");
            if (Instant.now().isBefore(early.deliverAt())) {
                assertThat(before).as("not before it is due").isNull();
            }
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> "due".equals(redis.get(ns.name() + ":early")));
            assertThat(Instant.now()).isAfterOrEqualTo(early.deliverAt());
        }
    }

    @Test
    void aDelayedEntryWaitsInTheQueueUntilDue() throws Exception {
        NamespaceSpec ns = namespace(TargetType.REDIS, devstack.redis().endpoint(), RetryPolicy.defaults());
        deliver(ns);
        Envelope later = entry(ns, ns.name() + ":later", "due", Duration.ofSeconds(4));
        appender.append(ns, later).toCompletableFuture().get();
        appender.append(ns, entry(ns, ns.name() + ":sentinel", "now", null))
                .toCompletableFuture()
                .get();
        try (RedisClient redis = redis()) {
            // Once the sentinel (due now, sent after) is applied, the delivery is receiving.
            await().atMost(Duration.ofSeconds(30)).until(() -> "now".equals(redis.get(ns.name() + ":sentinel")));
            String before = redis.get(ns.name() + ":later");
            if (Instant.now().isBefore(later.deliverAt())) {
                assertThat(before).isNull();
            }
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> "due".equals(redis.get(ns.name() + ":later")));
            assertThat(Instant.now()).isAfterOrEqualTo(later.deliverAt());
        }
    }

    @Test
    void transientFailuresAreRetriedAndPermanentOnesAndExhaustedOnesAreDeadLetteredWithTheirHistory() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        AtomicInteger flaky = new AtomicInteger();
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            calls.add(body + "#" + exchange.getRequestHeaders().getFirst("Walgate-Attempt"));
            int status = switch (body) {
                case "bad" -> 400;
                case "down" -> 503;
                default -> flaky.incrementAndGet() <= 1 ? 503 : 204;
            };
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        http.start();
        NamespaceSpec ns = namespace(
                TargetType.HTTP,
                "http://127.0.0.1:" + http.getAddress().getPort() + "/apply",
                new RetryPolicy(3, Duration.ofSeconds(1), 1.0, null, 0.0));
        deliver(ns);

        appender.append(ns, entry(ns, "k1", "flaky", null))
                .toCompletableFuture()
                .get();
        appender.append(ns, entry(ns, "k2", "bad", null)).toCompletableFuture().get();
        appender.append(ns, entry(ns, "k3", "down", null)).toCompletableFuture().get();

        String dlq =
                sqs.getQueueUrl(b -> b.queueName(ns.backend().topic() + "-dlq")).queueUrl();
        Map<String, Message> dead = new ConcurrentHashMap<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            sqs.receiveMessage(b -> b.queueUrl(dlq)
                            .maxNumberOfMessages(10)
                            .waitTimeSeconds(1)
                            .visibilityTimeout(0) // peek: they stay in the DLQ
                            .messageAttributeNames("All"))
                    .messages()
                    .forEach(m -> dead.put(m.messageId(), m));
            return dead.size() >= 2;
        });
        Map<String, Map<String, String>> byBody = new HashMap<>();
        for (Message m : dead.values()) {
            Envelope e = EnvelopeCodec.decode(Base64.getDecoder().decode(m.body()));
            Map<String, String> attributes = new HashMap<>();
            m.messageAttributes().forEach((k, v) -> attributes.put(k, v.stringValue()));
            byBody.put(new String(e.payload(), StandardCharsets.UTF_8), attributes);
        }
        assertThat(byBody).containsOnlyKeys("bad", "down");
        assertThat(byBody.get("bad"))
                .containsEntry("walgate-error-code", "HTTP_400")
                .containsEntry("walgate-attempts", "1");
        assertThat(byBody.get("down"))
                .containsEntry("walgate-error-code", "HTTP_503")
                .containsEntry("walgate-first-error-code", "HTTP_503")
                .containsEntry("walgate-attempts", "3")
                .containsEntry("walgate-region", "local");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() ->
                        assertThat(reportedDeadLetters.get()).as("DLQ depth").isEqualTo(2));
        await().atMost(Duration.ofSeconds(30)).until(() -> calls.contains("flaky#2"));
        assertThat(calls).containsOnlyOnce("flaky#1", "flaky#2", "bad#1", "down#1", "down#2", "down#3");
    }

    @Test
    void appliesSlowerThanTheVisibilityTimeoutAreEachAppliedOnceAndNoneIsDeadLettered() throws Exception {
        Duration slowApply = Duration.ofMillis(2500); // longer than the queue's 2 s visibility timeout
        Map<String, AtomicInteger> appliesById = new ConcurrentHashMap<>();
        AtomicInteger applying = new AtomicInteger();
        ExecutorService stubThreads = Executors.newCachedThreadPool();
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.setExecutor(stubThreads); // both workers' calls are served at once, as a real target would
        http.createContext("/", exchange -> {
            String id = exchange.getRequestHeaders().getFirst("Walgate-Entry-Id");
            appliesById.computeIfAbsent(id, x -> new AtomicInteger()).incrementAndGet();
            applying.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            try {
                Thread.sleep(slowApply.toMillis()); // the slow target under test, not synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        http.start();
        try {
            NamespaceSpec ns = namespace(
                    TargetType.HTTP,
                    "http://127.0.0.1:" + http.getAddress().getPort() + "/apply",
                    RetryPolicy.defaults());
            String url = sqs.getQueueUrl(b -> b.queueName(ns.backend().topic())).queueUrl();
            String dlq = sqs.getQueueUrl(b -> b.queueName(ns.backend().topic() + "-dlq"))
                    .queueUrl();
            sqs.setQueueAttributes(b -> b.queueUrl(url).attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "2")));
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Envelope e = entry(ns, "k" + i, "slow " + i, null);
                ids.add(e.id().toString());
                appender.append(ns, e).toCompletableFuture().get();
            }

            // The first worker takes all four in one batch (about 10 s of applies); a second worker
            // then stands by, ready to receive whatever the first lets become visible again.
            deliver(ns);
            await().atMost(Duration.ofSeconds(30)).until(() -> applying.get() >= 1);
            deliver(ns);

            await().atMost(Duration.ofSeconds(60))
                    .until(() -> appliesById.keySet().containsAll(ids));
            // Nothing left in the queue, received or not: no apply can still be on its way.
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(attributes(url))
                            .containsEntry("ApproximateNumberOfMessages", "0")
                            .containsEntry("ApproximateNumberOfMessagesNotVisible", "0"));
            assertThat(appliesById).containsOnlyKeys(ids);
            assertThat(appliesById.values())
                    .as("applies per entry")
                    .allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
            assertThat(attributes(dlq)).containsEntry("ApproximateNumberOfMessages", "0");
        } finally {
            stubThreads.shutdownNow();
        }
    }

    private static Map<String, String> attributes(String queueUrl) {
        return sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNamesWithStrings("All"))
                .attributesAsStrings();
    }
}
