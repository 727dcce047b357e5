package io.walgate.consumers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.walgate.adapter.kafka.KafkaAdapters;
import io.walgate.adapter.kafka.KafkaDeadLetters;
import io.walgate.adapter.kafka.read.KafkaLogReader;
import io.walgate.adapter.spi.LogAppender;
import io.walgate.adapter.spi.LogReader;
import io.walgate.adapter.spi.Subscription;
import io.walgate.adapter.spi.TestNamespaces;
import io.walgate.consumers.engine.Attempts;
import io.walgate.consumers.engine.DeliveryEvents;
import io.walgate.consumers.engine.PayloadStore;
import io.walgate.consumers.engine.ReportedProgress;
import io.walgate.consumers.targets.TargetContext;
import io.walgate.consumers.targets.TargetRegistry;
import io.walgate.contract.EntryId;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.Lifecycle;
import io.walgate.contract.entry.PayloadRef;
import io.walgate.contract.entry.TargetOp;
import io.walgate.contract.entry.TargetOverride;
import io.walgate.contract.entry.WriteRequest;
import io.walgate.contract.namespace.BackendSpec;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.DeliverySpec;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.Ordering;
import io.walgate.contract.namespace.RegionTarget;
import io.walgate.contract.namespace.RetryPolicy;
import io.walgate.contract.namespace.TargetSpec;
import io.walgate.contract.namespace.TargetType;
import io.walgate.devstack.Component;
import io.walgate.devstack.Devstack;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntUnaryOperator;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** The delivery engine between a real Kafka log and real targets (Redis, a local HTTP service). */
class KafkaDeliveryIT {
    private static final TargetRegistry TARGETS = TargetRegistry.load();
    private static final EntryId.Generator IDS = new EntryId.Generator();
    private static Devstack devstack;
    private static LogAppender appender;
    private static KafkaDeadLetters deadLetters;
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
        devstack = Devstack.builder(Path.of("target", "devstack-delivery"))
                .with(Component.KAFKA, Component.REDIS, Component.POSTGRES)
                .randomPorts()
                .fresh()
                .build();
        devstack.start();
        appender = KafkaAdapters.appender(
                Map.of("bootstrap.servers", devstack.kafka().bootstrapServers()));
        deadLetters =
                KafkaDeadLetters.of(Map.of("bootstrap.servers", devstack.kafka().bootstrapServers()));
        // A DLQ that is gone fails a send in 2 s, not 10: the outage test waits less.
        reader = new KafkaLogReader(
                Map.of("bootstrap.servers", devstack.kafka().bootstrapServers(), "max.block.ms", 2000),
                appender,
                deadLetters,
                Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (reader != null) {
            reader.close(); // and the appender and the DLQ depths it was given
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
        return namespace(TestNamespaces.newNamespace(BackendType.KAFKA), type, url, retry);
    }

    private static NamespaceSpec namespace(NamespaceSpec base, TargetType type, String url, RetryPolicy retry) {
        NamespaceSpec ns = base.withTarget(new TargetSpec(type, Map.of("local", new RegionTarget(url, null))))
                .withRetry(retry.withDefaults());
        KafkaAdapters.provisioner(Map.of("bootstrap.servers", devstack.kafka().bootstrapServers()))
                .reconcile(ns);
        return ns;
    }

    private void deliver(NamespaceSpec ns) {
        deliver(ns, () -> null);
    }

    private void deliver(NamespaceSpec ns, Supplier<PayloadStore> payloads) {
        var handlers = Attempts.perLane(
                ns, "local", TARGETS, TargetContext.of(ns.name(), "local"), payloads, backlog, Clock.systemUTC());
        running.add(reader.open(
                ns, "local", handlers, new ReportedProgress(ns.name() + " (local)", backlog, Clock.systemUTC())));
    }

    private static Envelope entry(NamespaceSpec ns, String key, String payload, TargetOp op, Duration delay) {
        Instant now = Instant.now();
        WriteRequest request = new WriteRequest(
                ns.name(),
                delay == null ? Lifecycle.immediate() : Lifecycle.after(delay),
                payload == null ? new byte[0] : payload.getBytes(StandardCharsets.UTF_8),
                new TargetOverride(key, op, Map.of()),
                key,
                null,
                Map.of("source", "delivery-it"),
                "text/plain");
        return Envelope.accept(request, IDS.next(), now, delay == null ? now : now.plus(delay), null);
    }

    private static void append(NamespaceSpec ns, Envelope e) throws Exception {
        appender.append(ns, e).toCompletableFuture().get();
    }

    private static RedisClient redis() {
        return RedisClient.create(URI.create(devstack.redis().endpoint()));
    }

    @Test
    void putsAndDeletesReachRedis() throws Exception {
        NamespaceSpec ns = namespace(TargetType.REDIS, devstack.redis().endpoint(), RetryPolicy.defaults());
        deliver(ns);
        for (int i = 0; i < 50; i++) {
            append(ns, entry(ns, ns.name() + ":k" + i, "v" + i, TargetOp.PUT, null));
        }
        append(ns, entry(ns, ns.name() + ":k0", null, TargetOp.DELETE, null));

        try (RedisClient redis = redis()) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(redis.get(ns.name() + ":k49")).isEqualTo("v49");
                assertThat(redis.get(ns.name() + ":k0")).isNull();
            });
            for (int i = 1; i < 50; i++) {
                assertThat(redis.get(ns.name() + ":k" + i)).isEqualTo("v" + i);
            }
        }
    }

    @Test
    void aDelayedEntryIsAppliedOnlyOnceDue() throws Exception {
        NamespaceSpec ns = namespace(TargetType.REDIS, devstack.redis().endpoint(), RetryPolicy.defaults());
        deliver(ns);
        Envelope later = entry(ns, ns.name() + ":later", "due", TargetOp.PUT, Duration.ofSeconds(6));
        append(ns, later);
        // A sentinel written after it, due now: once it is applied, the delivery has been running.
        append(ns, entry(ns, ns.name() + ":sentinel", "now", TargetOp.PUT, null));

        try (RedisClient redis = redis()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> "now".equals(redis.get(ns.name() + ":sentinel")));
            String early = redis.get(ns.name() + ":later");
            if (Instant.now().isBefore(later.deliverAt())) {
                assertThat(early).as("not before it is due").isNull();
            }
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> "due".equals(redis.get(ns.name() + ":later")));
            assertThat(Instant.now()).isAfterOrEqualTo(later.deliverAt());
        }
    }

    /** A local HTTP service answering the n-th call (from 1) with {@code status.applyAsInt(n)}. */
    private String upstream(IntUnaryOperator status, List<String> attempts) throws Exception {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger calls = new AtomicInteger();
        http.createContext("/", exchange -> {
            attempts.add(exchange.getRequestHeaders().getFirst("Walgate-Attempt"));
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(status.applyAsInt(calls.incrementAndGet()), -1);
            exchange.close();
        });
        http.start();
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/apply";
    }

    @Test
    void aTransientFailureIsRetriedWithBackoffUntilItSucceeds() throws Exception {
        List<String> attempts = new CopyOnWriteArrayList<>();
        String url = upstream(n -> n <= 2 ? 503 : 204, attempts);
        NamespaceSpec ns = namespace(TargetType.HTTP, url, new RetryPolicy(5, Duration.ofSeconds(1), 1.0, null));
        deliver(ns);

        append(ns, entry(ns, "order-1", "v", TargetOp.PUT, null));

        await().atMost(Duration.ofSeconds(60)).until(() -> attempts.size() >= 3);
        // Nothing more may come once it succeeded: the count holds.
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> attempts.size() == 3);
        assertThat(attempts).containsExactly("1", "2", "3");
    }

    @Test
    void aPermanentFailureIsDeadLetteredAtOnceAndExhaustedRetriesWithTheirAttempts() throws Exception {
        List<String> attempts = new CopyOnWriteArrayList<>();
        String url = upstream(n -> n == 1 ? 400 : 503, attempts);
        NamespaceSpec ns = namespace(TargetType.HTTP, url, new RetryPolicy(2, Duration.ofSeconds(1), 1.0, null));
        deliver(ns);

        append(ns, entry(ns, "bad", "v", TargetOp.PUT, null)); // 400: permanent
        await().atMost(Duration.ofSeconds(30)).until(() -> attempts.size() >= 1);
        append(ns, entry(ns, "flaky", "v", TargetOp.PUT, null)); // 503 twice: exhausted

        List<Map<String, String>> dead = deadLetters(ns, 2, Duration.ofSeconds(60)).stream()
                .map(DeadLetter::headers)
                .toList();
        assertThat(dead.get(0))
                .containsEntry("walgate-error-code", "HTTP_400")
                .containsEntry("walgate-attempts", "1")
                .containsEntry("walgate-region", "local");
        assertThat(dead.get(1))
                .containsEntry("walgate-error-code", "HTTP_503")
                .containsEntry("walgate-first-error-code", "HTTP_503")
                .containsEntry("walgate-attempts", "2")
                .containsKey("walgate-first-failed-at")
                .containsKey("walgate-dead-at");
        assertThat(attempts).containsExactly("1", "1", "2");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() ->
                        assertThat(reportedDeadLetters.get()).as("DLQ depth").isEqualTo(2));
    }

    @Test
    void rowsAreUpsertedAndDeletedInPostgresAndARedeliveredEntryIsAppliedOnce() throws Exception {
        devstack.postgres().createDatabase("delivery_target");
        String url = "postgresql://127.0.0.1:" + devstack.postgres().port() + "/delivery_target?user=postgres";
        NamespaceSpec ns = namespace(TargetType.POSTGRES, url, RetryPolicy.defaults());
        deliver(ns);
        Envelope once = entry(ns, "k4", "first", TargetOp.PUT, null);
        append(ns, entry(ns, "k1", "v1", TargetOp.PUT, null));
        append(ns, entry(ns, "k2", "v2", TargetOp.PUT, null));
        append(ns, entry(ns, "k1", null, TargetOp.DELETE, null));
        append(ns, once);
        // The same entry again (as after an UNKNOWN write and its repeat), here with other bytes to
        // show that the second copy is not applied at all.
        append(ns, once.withPayload("second".getBytes(StandardCharsets.UTF_8)));
        append(ns, entry(ns, "last", "done", TargetOp.PUT, null));

        try (var db = devstack.postgres().connect("delivery_target")) {
            // The keys sit on different partitions, so 'last' may well be applied before 'k4': wait
            // for all five distinct entries, then give a sixth (the copy) the chance to show.
            await().atMost(Duration.ofSeconds(60))
                    .ignoreExceptions() // the target creates its tables with the first apply
                    .until(() -> rows(db, "SELECT count(*) FROM walgate_applied_entries") >= 5);
            await().during(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> rows(db, "SELECT count(*) FROM walgate_applied_entries") == 5);
            var rs = db.createStatement()
                    .executeQuery("SELECT key, convert_from(payload, 'UTF8') FROM walgate_entries ORDER BY key");
            Map<String, String> table = new TreeMap<>();
            while (rs.next()) {
                table.put(rs.getString(1), rs.getString(2));
            }
            assertThat(table)
                    .containsExactlyEntriesOf(new TreeMap<>(Map.of("k2", "v2", "k4", "first", "last", "done")));
            assertThat(rows(db, "SELECT count(*) FROM walgate_applied_entries")).isEqualTo(5);
        }
    }

    private static long rows(Connection db, String sql) throws SQLException {
        var rs = db.createStatement().executeQuery(sql);
        rs.next();
        return rs.getLong(1);
    }

    @Test
    void aClaimCheckIsRedeemedFromTheGatewaysPayloadStoreAndABrokenOneIsDeadLettered() throws Exception {
        // The gateway's table, as its migrations V2__payloads.sql and V3__payloads_by_state.sql make it.
        devstack.postgres().createDatabase("delivery_gateway");
        try (var db = devstack.postgres().connect("delivery_gateway")) {
            db.createStatement()
                    .execute(
                            "CREATE TABLE IF NOT EXISTS payloads (entry_id uuid PRIMARY KEY, namespace text NOT NULL,"
                                    + " payload bytea NOT NULL, sha256 bytea NOT NULL, created_at timestamptz NOT NULL"
                                    + " DEFAULT now(), expires_at timestamptz, regions_pending text[], released_at timestamptz)");
            NamespaceSpec ns =
                    namespace(TargetType.REDIS, devstack.redis().endpoint(), new RetryPolicy(1, null, null, null));
            deliver(ns, () -> new PayloadStore(devstack.postgres().jdbcUrl("delivery_gateway") + "?user=postgres"));
            byte[] big = "a payload kept aside".repeat(1000).getBytes(StandardCharsets.UTF_8);
            Envelope stored = entry(ns, ns.name() + ":big", null, TargetOp.PUT, null);
            var insert = db.prepareStatement("INSERT INTO payloads (entry_id, namespace, payload, sha256, expires_at,"
                    + " regions_pending) VALUES (?, ?, ?, ?, now() + interval '1 day', '{local}')");
            insert.setObject(1, stored.id().uuid());
            insert.setString(2, ns.name());
            insert.setBytes(3, big);
            insert.setBytes(4, MessageDigest.getInstance("SHA-256").digest(big));
            insert.executeUpdate();
            Envelope claimCheck = stored.withPayloadStored(new PayloadRef(
                    "postgres", big.length, MessageDigest.getInstance("SHA-256").digest(big)));
            append(ns, claimCheck);
            Envelope missing = entry(ns, ns.name() + ":missing", null, TargetOp.PUT, null)
                    .withPayloadStored(new PayloadRef("postgres", 3, new byte[32]));
            append(ns, missing);

            try (RedisClient redis = redis()) {
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> redis.get((ns.name() + ":big").getBytes(StandardCharsets.UTF_8)) != null);
                assertThat(redis.get((ns.name() + ":big").getBytes(StandardCharsets.UTF_8)))
                        .isEqualTo(big);
            }
            // Applied in its only region: no expiry, released — but kept, for a copy may be read again.
            String state = "SELECT expires_at IS NULL AND released_at IS NOT NULL AND regions_pending = '{}'"
                    + " FROM payloads WHERE entry_id = '" + stored.id() + "'";
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                var row = db.createStatement().executeQuery(state);
                return row.next() && row.getBoolean(1);
            });
            // A second copy of the entry (a rewind, a repeated UNKNOWN write) is applied again, not
            // dead-lettered as PAYLOAD_MISSING.
            try (RedisClient redis = redis()) {
                redis.del((ns.name() + ":big").getBytes(StandardCharsets.UTF_8));
                redis.del(ns.name() + ":big:walgate-version"); // as if this region had never seen it
                append(ns, claimCheck);
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> redis.get((ns.name() + ":big").getBytes(StandardCharsets.UTF_8)) != null);
            }
            assertThat(deadLetters(ns, 1, Duration.ofSeconds(60)))
                    .extracting(d -> d.headers().get("walgate-error-code"))
                    .containsExactly("PAYLOAD_MISSING");
        }
    }

    @Test
    void aDeliveryThatCannotDeadLetterKeepsTheEntryAndCarriesOnOnceItCan() throws Exception {
        List<String> attempts = new CopyOnWriteArrayList<>();
        String url = upstream(n -> 400, attempts);
        NamespaceSpec ns = namespace(TargetType.HTTP, url, RetryPolicy.defaults());
        var admin = Admin.create(Map.of("bootstrap.servers", devstack.kafka().bootstrapServers()));
        admin.deleteTopics(List.of(ns.backend().topic() + ".dlq")).all().get();
        // Deletion is asynchronous on the broker: a dead letter written meanwhile would still land.
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        !admin.listTopics().names().get().contains(ns.backend().topic() + ".dlq"));
        deliver(ns);

        append(ns, entry(ns, "doomed", "v", TargetOp.PUT, null));
        await().atMost(Duration.ofSeconds(30)).until(() -> attempts.size() >= 2); // failed, rewound, tried again
        KafkaAdapters.provisioner(Map.of("bootstrap.servers", devstack.kafka().bootstrapServers()))
                .reconcile(ns); // the DLQ is back
        append(ns, entry(ns, "after", "v", TargetOp.PUT, null));

        try {
            List<DeadLetter> dead = deadLetters(ns, 2, Duration.ofSeconds(90));
            assertThat(dead)
                    .extracting(DeadLetter::key)
                    .as("dead-lettered once each")
                    .containsExactlyInAnyOrder("doomed", "after");
        } finally {
            admin.close();
        }
    }

    @Test
    void withKeyOrderingAFailingEntryHoldsBackItsKeyButNotTheOthers() throws Exception {
        // The upstream sees the payloads; "a1" fails twice (503), everything else succeeds.
        List<String> calls = new CopyOnWriteArrayList<>();
        List<String> applied = new CopyOnWriteArrayList<>();
        AtomicInteger a1Failures = new AtomicInteger();
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            calls.add(body);
            boolean fail = body.equals("a1") && a1Failures.incrementAndGet() <= 2;
            if (!fail) {
                applied.add(body);
            }
            exchange.sendResponseHeaders(fail ? 503 : 204, -1);
            exchange.close();
        });
        http.start();
        String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/apply";
        // One partition, so that "other keys flow" is shown within the partition that holds "a".
        NamespaceSpec base = TestNamespaces.newNamespace(BackendType.KAFKA);
        base = base.withBackend(
                        new BackendSpec(BackendType.KAFKA, base.backend().topic(), 1))
                .withDelivery(new DeliverySpec(Ordering.KEY, null).withDefaults());
        NamespaceSpec ns =
                namespace(base, TargetType.HTTP, url, new RetryPolicy(5, Duration.ofSeconds(1), 1.0, null, 0.0));
        deliver(ns);

        for (String[] e : new String[][] {{"a", "a1"}, {"a", "a2"}, {"b", "b1"}, {"a", "a3"}, {"b", "b2"}}) {
            append(ns, entry(ns, e[0], e[1], TargetOp.PUT, null));
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> applied.size() >= 5);
        // Nothing may be applied twice: the count holds.
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> applied.size() == 5);
        assertThat(applied).containsExactlyInAnyOrder("a1", "a2", "a3", "b1", "b2");
        assertThat(applied.stream().filter(p -> p.startsWith("a")).toList())
                .as("key a in write order, through two retries of a1")
                .containsExactly("a1", "a2", "a3");
        assertThat(applied.indexOf("b2")).as("key b did not wait for key a").isLessThan(applied.indexOf("a1"));
        assertThat(calls).filteredOn("a1"::equals).hasSize(3);
    }

    @Test
    void withKeyOrderingAnEntryOutOfAttemptsIsDeadLetteredAndReleasesItsKey() throws Exception {
        List<String> applied = new CopyOnWriteArrayList<>();
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            boolean fail = body.equals("poison");
            if (!fail) {
                applied.add(body);
            }
            exchange.sendResponseHeaders(fail ? 503 : 204, -1);
            exchange.close();
        });
        http.start();
        String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/apply";
        NamespaceSpec base = TestNamespaces.newNamespace(BackendType.KAFKA)
                .withDelivery(new DeliverySpec(Ordering.KEY, null).withDefaults());
        NamespaceSpec ns =
                namespace(base, TargetType.HTTP, url, new RetryPolicy(3, Duration.ofMillis(300), 1.0, null, 0.0));
        deliver(ns);

        append(ns, entry(ns, "k", "poison", TargetOp.PUT, null));
        append(ns, entry(ns, "k", "after", TargetOp.PUT, null));

        List<DeadLetter> dead = deadLetters(ns, 1, Duration.ofSeconds(60));
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).headers())
                .containsEntry("walgate-attempts", "3")
                .containsEntry("walgate-error-code", "HTTP_503");
        await().atMost(Duration.ofSeconds(30)).until(() -> applied.contains("after"));
        assertThat(applied).containsExactly("after");
    }

    @Test
    void entriesAreProducedToAnotherTopicWithTheirIdAndDeletesAreTombstones() throws Exception {
        String bootstrap = devstack.kafka().bootstrapServers();
        String topic = "applied." + System.nanoTime();
        devstack.kafka().createTopic(topic, 1);
        NamespaceSpec ns = TestNamespaces.newNamespace(BackendType.KAFKA)
                .withTarget(new TargetSpec(
                        TargetType.KAFKA,
                        Map.of("local", new RegionTarget("kafka://" + bootstrap, Map.of("topic", topic)))));
        KafkaAdapters.provisioner(Map.of("bootstrap.servers", bootstrap)).reconcile(ns);
        deliver(ns);
        Envelope put = entry(ns, "user-1", "profile", TargetOp.PUT, null);
        append(ns, put);
        append(ns, entry(ns, "user-1", null, TargetOp.DELETE, null));

        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(
                Map.of("bootstrap.servers", bootstrap, "group.id", "reader-" + topic, "auto.offset.reset", "earliest"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            reader.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                reader.poll(Duration.ofMillis(200)).forEach(out::add);
                return out.size() >= 2;
            });
        }
        assertThat(new String(out.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("user-1");
        assertThat(new String(out.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("profile");
        assertThat(new String(
                        out.get(0).headers().lastHeader("walgate-entry-id").value(), StandardCharsets.UTF_8))
                .isEqualTo(put.id().toString());
        assertThat(new String(out.get(0).headers().lastHeader("source").value(), StandardCharsets.UTF_8))
                .isEqualTo("delivery-it");
        assertThat(out.get(1).value()).as("a delete is a tombstone").isNull();
    }

    @Test
    void aRecordThatIsNoEnvelopeIsDeadLetteredAndTheEntriesAroundItApplied() throws Exception {
        NamespaceSpec ns = namespace(TargetType.REDIS, devstack.redis().endpoint(), RetryPolicy.defaults());
        deliver(ns);
        append(ns, entry(ns, ns.name() + ":before", "1", TargetOp.PUT, null));
        try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(
                Map.of("bootstrap.servers", devstack.kafka().bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(
                            ns.backend().topic(), "junk".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3}))
                    .get();
        }
        append(ns, entry(ns, ns.name() + ":after", "2", TargetOp.PUT, null));

        assertThat(deadLetters(ns, 1, Duration.ofSeconds(60)))
                .extracting(d -> d.key() + " " + d.headers().get("walgate-error-code"))
                .containsExactly("junk MALFORMED_ENVELOPE");
        try (RedisClient redis = redis()) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> "1".equals(redis.get(ns.name() + ":before"))
                            && "2".equals(redis.get(ns.name() + ":after")));
        }
    }

    @Test
    void httpAppliesOverlapAcrossKeysButKeepEachKeysOrder() throws Exception {
        Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        http.setExecutor(Executors.newFixedThreadPool(8));
        http.createContext("/", exchange -> {
            String key = exchange.getRequestURI().getPath().replaceAll(".*/", "");
            int n = Integer.parseInt(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            seen.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(n);
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        http.start();
        NamespaceSpec ns = namespace(
                TargetType.HTTP, "http://127.0.0.1:" + http.getAddress().getPort() + "/apply", RetryPolicy.defaults());
        // Written before the delivery starts, so that they come in big polls.
        for (int i = 0; i < 300; i++) {
            append(ns, entry(ns, "key" + (i % 7), Integer.toString(i), TargetOp.PUT, null));
        }
        deliver(ns);

        await().atMost(Duration.ofSeconds(60))
                .until(() -> seen.values().stream().mapToInt(List::size).sum() >= 300);
        assertThat(seen).hasSize(7);
        seen.forEach((key, numbers) -> assertThat(numbers).as(key).isSorted().doesNotHaveDuplicates());
    }

    @Test
    void aCleanStopInTheMiddleAppliesNothingTwice() throws Exception {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        // From the 100th entry on, the target holds every apply until the test has called stop():
        // the stop lands in the middle of a poll, every time.
        CountDownLatch hundredApplied = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        http.setExecutor(Executors.newFixedThreadPool(8));
        http.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            calls.computeIfAbsent(exchange.getRequestHeaders().getFirst("Walgate-Entry-Id"), k -> new AtomicInteger())
                    .incrementAndGet();
            if (calls.size() >= 100) {
                hundredApplied.countDown();
                try {
                    stopped.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        http.start();
        NamespaceSpec ns = namespace(
                TargetType.HTTP, "http://127.0.0.1:" + http.getAddress().getPort() + "/apply", RetryPolicy.defaults());
        for (int i = 0; i < 1000; i++) {
            append(ns, entry(ns, "key" + i, "v", TargetOp.PUT, null));
        }
        deliver(ns);
        assertThat(hundredApplied.await(60, TimeUnit.SECONDS)).isTrue();
        Subscription first = running.get(running.size() - 1);
        first.stop();
        stopped.countDown();
        // It finishes the poll in hand and commits.
        assertThat(first.awaitStopped(Duration.ofSeconds(30)))
                .as("the stopped delivery ended")
                .isTrue();
        int beforeRestart = calls.size();
        assertThat(beforeRestart).as("stopped in the middle").isLessThan(1000);

        deliver(ns); // the next worker of the group
        await().atMost(Duration.ofSeconds(60)).until(() -> calls.size() >= 1000);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> calls.size() == 1000);
        assertThat(calls).hasSize(1000);
        assertThat(calls.values())
                .allSatisfy(n -> assertThat(n.get()).as("applied once").isEqualTo(1));
    }

    @Test
    void aShortDelayBehindALongOneInTheSameTierIsNotHeldBackByIt() throws Exception {
        List<String> applied = new CopyOnWriteArrayList<>();
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", exchange -> {
            applied.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        http.start();
        NamespaceSpec ns = namespace(
                TargetType.HTTP, "http://127.0.0.1:" + http.getAddress().getPort() + "/apply", RetryPolicy.defaults());
        deliver(ns);
        // Both go to the 5 s tier, on one partition (one key): the 20 s one first.
        append(ns, entry(ns, "k", "long", TargetOp.PUT, Duration.ofSeconds(20)));
        append(ns, entry(ns, "k", "short", TargetOp.PUT, Duration.ofSeconds(7)));

        await().atMost(Duration.ofSeconds(60)).until(() -> applied.size() >= 2);
        assertThat(applied).as("the 7 s entry did not wait for the 20 s one").containsExactly("short", "long");
    }

    /** One record of a namespace's dead-letter topic. */
    record DeadLetter(String key, Map<String, String> headers) {}

    /** The first {@code count} dead letters of {@code ns}, waiting up to {@code atMost}, and a moment for more. */
    private static List<DeadLetter> deadLetters(NamespaceSpec ns, int count, Duration atMost) {
        List<DeadLetter> dead = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> dlq = new KafkaConsumer<>(
                Map.of(
                        "bootstrap.servers",
                        devstack.kafka().bootstrapServers(),
                        "group.id",
                        "dlq-reader-" + ns.name(),
                        "auto.offset.reset",
                        "earliest"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            dlq.subscribe(List.of(ns.backend().topic() + ".dlq"));
            long deadline = System.nanoTime() + atMost.toNanos();
            long settled = Long.MAX_VALUE; // once enough came, read one second more so that a duplicate shows
            while (System.nanoTime() < Math.min(deadline, settled)) {
                dlq.poll(Duration.ofMillis(200)).forEach(r -> {
                    Map<String, String> h = new HashMap<>();
                    r.headers().forEach(x -> h.put(x.key(), new String(x.value(), StandardCharsets.UTF_8)));
                    dead.add(new DeadLetter(r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8), h));
                });
                if (dead.size() >= count && settled == Long.MAX_VALUE) {
                    settled = System.nanoTime() + Duration.ofSeconds(1).toNanos();
                }
            }
        }
        assertThat(dead).as("dead letters of %s", ns.name()).hasSizeGreaterThanOrEqualTo(count);
        return dead;
    }
}
