package io.walgate.consumers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import com.sun.net.httpserver.HttpServer;
import io.walgate.adapter.kafka.KafkaAdapters;
import io.walgate.adapter.kafka.KafkaDeadLetters;
import io.walgate.adapter.kafka.read.KafkaLogReader;
import io.walgate.adapter.spi.LogAppender;
import io.walgate.adapter.spi.LogReader;
import io.walgate.adapter.spi.Subscription;
import io.walgate.adapter.spi.TestNamespaces;
import io.walgate.api.v1.LogEnvelope;
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
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.RedisClient;

/**
 * One entry must never stall a namespace. For every target type, a log holds entries with extreme
 * values — the kind an attacker would try, or an older gateway let through — and then ordinary
 * ones; the ordinary ones must be applied, each once, and every extreme entry must end applied or
 * dead-lettered. Before the fix, one such entry made the delivery rewind and retry its whole poll
 * every second, for ever.
 *
 * <p>The entries go straight into the log (as an earlier gateway, a bug or a hand-written producer
 * would put them), not through today's gateway, which refuses most of them.
 */
class PoisonPillIT {
    private static final TargetRegistry TARGETS = TargetRegistry.load();
    private static final EntryId.Generator IDS = new EntryId.Generator();
    private static Devstack devstack;
    private static LogAppender appender;
    private static KafkaDeadLetters deadLetters;
    private static HttpServer upstream;
    /** Entry id → how many times the HTTP (or wal) upstream was asked to apply it. */
    private static final Map<String, AtomicInteger> httpApplies = new ConcurrentHashMap<>();
    /** Bodies the wal upstream (a stand-in for another region's gateway) accepted. */
    private static final List<String> walBodies = new CopyOnWriteArrayList<>();

    private static LogReader reader;
    private final List<Subscription> running = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        devstack = Devstack.builder(Path.of("target", "devstack-poison"))
                .with(Component.KAFKA, Component.REDIS, Component.POSTGRES)
                .randomPorts()
                .fresh()
                .build();
        devstack.start();
        devstack.postgres().createDatabase("poison_target");
        appender = KafkaAdapters.appender(
                Map.of("bootstrap.servers", devstack.kafka().bootstrapServers()));
        deadLetters =
                KafkaDeadLetters.of(Map.of("bootstrap.servers", devstack.kafka().bootstrapServers()));
        reader = new KafkaLogReader(
                Map.of("bootstrap.servers", devstack.kafka().bootstrapServers()),
                appender,
                deadLetters,
                Clock.systemUTC());
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", exchange -> {
            String id = exchange.getRequestHeaders().getFirst("Walgate-Entry-Id");
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (id != null) {
                httpApplies.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                exchange.sendResponseHeaders(204, -1);
            } else { // the wal target: answer as a gateway would
                walBodies.add(new String(body, StandardCharsets.UTF_8));
                byte[] ok = "{\"durable\":\"TRUE\"}".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(201, ok.length);
                exchange.getResponseBody().write(ok);
            }
            exchange.close();
        });
        upstream.start();
    }

    @AfterAll
    static void stop() {
        if (upstream != null) {
            upstream.stop(0);
        }
        if (reader != null) {
            reader.close(); // and the appender and the DLQ depths it was given
        }
        if (devstack != null) {
            devstack.close();
        }
    }

    @AfterEach
    void stopDeliveries() {
        running.forEach(Subscription::stop);
    }

    @ParameterizedTest
    @EnumSource(TargetType.class)
    void extremeEntriesNeverStallTheOrdinaryOnesBehindThem(TargetType type) throws Exception {
        NamespaceSpec ns = namespace(type);
        deliver(ns);

        List<Envelope> extremes = new ArrayList<>(List.of(
                // Duration.toMillis() overflows: Redis threw ArithmeticException, nothing caught it.
                entry(ns, "ttl-overflow", Map.of("ttl", "P200000000000D"), null, Map.of()),
                // At the far end of what the log can store.
                entry(ns, "far-past-write", Map.of(), Instant.parse("0001-01-01T00:00:00Z"), Map.of()),
                // A header value no HTTP client will send.
                entry(ns, "bad-header", Map.of(), null, Map.of("note", "line\r\nInjected: yes")),
                // A key the size of the contract's limit, with characters URLs and SQL care about.
                entry(ns, "k/../?#%00'\";--" + "x".repeat(1000), Map.of(), null, Map.of())));
        for (Envelope e : extremes) {
            appender.append(ns, e).toCompletableFuture().get();
        }
        // Due a billion years ago: the lateness timer's nanoseconds overflowed, and the delivery
        // replayed its poll every second. (Logged raw: the appender's own routing cannot place it.)
        Envelope ancient = entry(ns, "ancient", Map.of(), Instant.parse("-1000000000-01-01T00:00:00Z"), Map.of());
        rawRecord(ns, EnvelopeCodec.encode(ancient));
        extremes.add(ancient);
        // Records that decode to no entry: a timestamp past Instant's range (DateTimeException
        // escaped the decoder) and bytes that are no envelope at all.
        rawRecord(
                ns,
                LogEnvelope.newBuilder()
                        .setFormat(1)
                        .setEntryId(IDS.next().toString())
                        .setNamespace(ns.name())
                        .setAttempt(1)
                        .setDeliverAt(Timestamp.newBuilder().setSeconds(Long.MAX_VALUE))
                        .setAcceptedAt(Timestamp.newBuilder().setSeconds(1))
                        .setContentType("text/plain")
                        .setPayload(ByteString.copyFromUtf8("v"))
                        .build()
                        .toByteArray());
        rawRecord(ns, new byte[] {(byte) 0xff, 0x00, 0x13});

        List<Envelope> ordinary = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Envelope e = entry(ns, "ordinary-" + i, Map.of(), null, Map.of());
            ordinary.add(e);
            appender.append(ns, e).toCompletableFuture().get();
        }

        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .untilAsserted(() ->
                        assertThat(applied(type, ns, ordinary)).containsExactlyInAnyOrderElementsOf(keys(ordinary)));
        // Every extreme entry ends somewhere — applied, or in the DLQ with a code — and none is
        // left going round: the two raw records plus the extremes, all accounted for.
        List<String> deadCodes = new CopyOnWriteArrayList<>();
        try (KafkaConsumer<byte[], byte[]> dlq = deadLetterReader(ns)) {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                dlq.poll(Duration.ofMillis(200)).forEach(r -> {
                    var code = r.headers().lastHeader("walgate-error-code");
                    deadCodes.add(code == null ? "" : new String(code.value(), StandardCharsets.UTF_8));
                });
                return deadCodes.size() + applied(type, ns, extremes).size() == extremes.size() + 2;
            });
        }
        assertThat(deadCodes).allMatch(code -> !code.isBlank());
        assertThat(deadCodes).filteredOn("MALFORMED_ENVELOPE"::equals).hasSize(2);
        if (type == TargetType.REDIS) {
            assertThat(deadCodes).contains("BAD_TTL");
        }
        if (type == TargetType.HTTP) {
            // Applied once each: the poll was not replayed again and again.
            ordinary.forEach(e -> assertThat(httpApplies.get(e.id().toString()).get())
                    .as("applies of %s", e.target().key())
                    .isEqualTo(1));
        }
    }

    // --- the namespace and its delivery -------------------------------------------------------

    private static NamespaceSpec namespace(TargetType type) {
        String base = "http://127.0.0.1:" + upstream.getAddress().getPort();
        RegionTarget region = switch (type) {
            case REDIS -> new RegionTarget(devstack.redis().endpoint(), null);
            case POSTGRES ->
                new RegionTarget(
                        "postgresql://127.0.0.1:" + devstack.postgres().port() + "/poison_target?user=postgres",
                        Map.of("table", "poison_" + type.name().toLowerCase()));
            case HTTP -> new RegionTarget(base + "/apply", Map.of("timeout", "PT5S"));
            case KAFKA ->
                new RegionTarget("kafka://" + devstack.kafka().bootstrapServers(), Map.of("topic", "poison-out"));
            case WAL -> new RegionTarget(base, Map.of("namespace", "elsewhere", "timeout", "PT5S"));
        };
        NamespaceSpec ns = TestNamespaces.newNamespace(BackendType.KAFKA)
                .withTarget(new TargetSpec(type, Map.of("local", region)))
                .withRetry(new RetryPolicy(2, Duration.ofMillis(200), 1.0, null, 0.0).withDefaults());
        KafkaAdapters.provisioner(Map.of("bootstrap.servers", devstack.kafka().bootstrapServers()))
                .reconcile(ns);
        if (type == TargetType.KAFKA) {
            devstack.kafka().createTopic("poison-out", 1);
        }
        return ns;
    }

    private void deliver(NamespaceSpec ns) {
        DeliveryEvents events = new DeliveryEvents() {
            @Override
            public void attempted(Envelope entry, String outcome, String code, Duration took, Duration lateness) {
                // As the worker's metrics once did: nanoseconds of a billion years overflow.
                lateness.toNanos();
            }
        };
        var handlers = Attempts.perLane(
                ns, "local", TARGETS, TargetContext.of(ns.name(), "local"), () -> null, events, Clock.systemUTC());
        running.add(reader.open(
                ns, "local", handlers, new ReportedProgress(ns.name() + " (local)", events, Clock.systemUTC())));
    }

    private static Envelope entry(
            NamespaceSpec ns, String key, Map<String, String> options, Instant deliverAt, Map<String, String> headers) {
        Instant now = Instant.now();
        WriteRequest request = new WriteRequest(
                ns.name(),
                Lifecycle.immediate(),
                ("value of " + key).getBytes(StandardCharsets.UTF_8),
                new TargetOverride(key, TargetOp.PUT, options),
                key,
                null,
                headers,
                "text/plain");
        return Envelope.accept(request, IDS.next(), now, deliverAt == null ? now : deliverAt, null);
    }

    private static void rawRecord(NamespaceSpec ns, byte[] value) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", devstack.kafka().bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(ns.backend().topic(), value)).get();
        }
    }

    // --- what reached the target ---------------------------------------------------------------

    private static List<String> keys(List<Envelope> entries) {
        return entries.stream().map(e -> e.target().key()).toList();
    }

    /** The keys of {@code entries} that the target has. */
    private static List<String> applied(TargetType type, NamespaceSpec ns, List<Envelope> entries) throws Exception {
        Set<String> there = new HashSet<>();
        switch (type) {
            case REDIS -> {
                try (RedisClient redis =
                        RedisClient.create(URI.create(devstack.redis().endpoint()))) {
                    entries.forEach(e -> {
                        if (redis.get(e.target().key()) != null) {
                            there.add(e.target().key());
                        }
                    });
                }
            }
            case POSTGRES -> {
                try (Connection db = devstack.postgres().connect("poison_target")) {
                    var rs = db.createStatement().executeQuery("SELECT key FROM poison_postgres");
                    while (rs.next()) {
                        there.add(rs.getString(1));
                    }
                }
            }
            case HTTP ->
                entries.stream()
                        .filter(e -> httpApplies.containsKey(e.id().toString()))
                        .forEach(e -> there.add(e.target().key()));
            case WAL ->
                entries.stream()
                        .filter(e -> walBodies.stream().anyMatch(b -> b.contains("wal-" + e.id())))
                        .forEach(e -> there.add(e.target().key()));
            case KAFKA -> {
                Map<String, Boolean> ids = new HashMap<>();
                entries.forEach(e -> ids.put(e.id().toString(), true));
                try (KafkaConsumer<byte[], byte[]> out = new KafkaConsumer<>(
                        Map.of(
                                "bootstrap.servers",
                                devstack.kafka().bootstrapServers(),
                                "group.id",
                                "poison-reader-" + System.nanoTime(),
                                "auto.offset.reset",
                                "earliest"),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
                    out.subscribe(List.of("poison-out"));
                    for (int i = 0; i < 10; i++) {
                        out.poll(Duration.ofMillis(300)).forEach(r -> {
                            var id = r.headers().lastHeader("walgate-entry-id");
                            if (id != null && ids.containsKey(new String(id.value(), StandardCharsets.UTF_8))) {
                                there.add(new String(r.key(), StandardCharsets.UTF_8));
                            }
                        });
                    }
                }
            }
        }
        return entries.stream()
                .map(e -> e.target().key())
                .filter(there::contains)
                .toList();
    }

    private static KafkaConsumer<byte[], byte[]> deadLetterReader(NamespaceSpec ns) {
        KafkaConsumer<byte[], byte[]> dlq = new KafkaConsumer<>(
                Map.of(
                        "bootstrap.servers",
                        devstack.kafka().bootstrapServers(),
                        "group.id",
                        "dlq-reader-" + ns.name(),
                        "auto.offset.reset",
                        "earliest"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        dlq.subscribe(List.of(ns.backend().topic() + ".dlq"));
        return dlq;
    }
}
