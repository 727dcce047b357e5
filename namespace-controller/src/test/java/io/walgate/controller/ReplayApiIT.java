package io.walgate.controller;

import static io.restassured.RestAssured.given;
import static io.walgate.controller.TestNamespaces.kafkaDlq;
import static io.walgate.controller.TestNamespaces.ready;
import static io.walgate.controller.TestNamespaces.sqsDlq;
import static io.walgate.controller.TestNamespaces.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.oneOf;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.walgate.adapter.sqs.SqsAdapters;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.EnvelopeCodec;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.ResourceNames;
import io.walgate.devstack.PostgresServer;
import io.walgate.devstack.SqsServer;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Operators' replay jobs against real PostgreSQL, Kafka and ElasticMQ: dead letters shelved where a
 * worker leaves them go back on their namespace's real log (read back here, as a worker would), and
 * a log's entries are put back for one region.
 */
@QuarkusTest
@QuarkusTestResource(ControllerDevstack.class)
@TestSecurity(user = "alice", roles = "walgate-admin")
class ReplayApiIT {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static SqsClient sqs;
    private static DeadLetterShelf shelf;

    @TestHTTPResource(value = "/", management = true)
    URL management;

    @BeforeAll
    static void open() throws Exception {
        var devstack = ControllerDevstack.devstack();
        sqs = SqsAdapters.client(
                URI.create(devstack.sqs().endpoint()), SqsServer.REGION, Optional.of("x"), Optional.of("x"));
        shelf = new DeadLetterShelf(ControllerDevstack.DATABASE, sqs);
    }

    @AfterAll
    static void close() throws Exception {
        shelf.close();
        sqs.close();
    }

    @Test
    void deadLettersGoBackOnTheLogUnderTheirIdsForTheirRegionAtTheAskedRate() throws Exception {
        String name = ready(Specs.kafka(unique("replay"), 2));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ids.add(shelf.kafka(kafkaDlq(name), DeadLetterShelf.entry(name, "k" + i, "HTTP_503"), "local", T0)
                    .id());
        }
        var other = shelf.kafka(kafkaDlq(name), DeadLetterShelf.entry(name, "other", "HTTP_400"), "local", T0);

        JsonPath job = given().contentType(ContentType.JSON)
                .body(Map.of("errorCode", "HTTP_503", "ratePerSecond", 20))
                .post(replays(name))
                .then()
                .statusCode(202)
                .body("state", equalTo("PENDING"))
                .body("matched", equalTo(30))
                .body("actor", equalTo("client:alice"))
                .extract()
                .jsonPath();
        JsonPath done = finished(name, job.getString("id"));

        assertThat(done.getString("state")).isEqualTo("SUCCEEDED");
        assertThat(done.getLong("replayed")).isEqualTo(30);
        assertThat(done.getLong("skipped") + done.getLong("failed")).isZero();
        List<ConsumerRecord<byte[], byte[]>> logged = log(name, 30);
        List<Envelope> entries =
                logged.stream().map(r -> EnvelopeCodec.decode(r.value())).toList();
        assertThat(entries).extracting(e -> e.id().toString()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.region()).as("for the region it died in").isEqualTo("local");
            assertThat(e.attempt()).as("attempts counted afresh").isEqualTo(1);
            assertThat(e.history().lastErrorCode()).as("its failures kept").isEqualTo("HTTP_503");
            assertThat(e.replays()).singleElement().satisfies(r -> {
                assertThat(r.job()).isEqualTo(job.getString("id"));
                assertThat(r.actor()).isEqualTo("client:alice");
            });
        });
        // The rate, from the times the log stamped: 30 entries at 20/s span 1.45 s.
        long first = logged.stream().mapToLong(ConsumerRecord::timestamp).min().orElseThrow();
        long last = logged.stream().mapToLong(ConsumerRecord::timestamp).max().orElseThrow();
        double rate = 29 * 1000.0 / (last - first);
        assertThat(rate).as("entries per second").isBetween(16.0, 24.0);
        given().get(management + "metrics")
                .then()
                .body(containsString("walgate_replay_entries_total{kind=\"DEAD_LETTERS\",namespace=\"" + name
                        + "\",outcome=\"replayed\"} 30.0"));

        given().get("/v1/namespaces/" + name + "/dead-letters").then().body("items.entryId", contains(other.id()));
        given().get("/v1/namespaces/" + name + "/audit")
                .then()
                .body("[0].action", equalTo("replays.finish"))
                .body("[1].action", equalTo("replays.start"));
    }

    @Test
    void aDryRunChangesNothingAndAFilterThatMatchesNothingIsAClearZero() throws Exception {
        String name = ready(Specs.kafka(unique("replay-dry"), 1));
        var a = shelf.kafka(kafkaDlq(name), DeadLetterShelf.entry(name, "a", "HTTP_503"), "local", T0);

        given().contentType(ContentType.JSON)
                .body(Map.of("dryRun", true))
                .post(replays(name))
                .then()
                .statusCode(200)
                .body("state", equalTo("SUCCEEDED"))
                .body("dryRun", equalTo(true))
                .body("matched", equalTo(1))
                .body("replayed", equalTo(0));
        given().contentType(ContentType.JSON)
                .body(Map.of("key", "nobody"))
                .post(replays(name))
                .then()
                .statusCode(200)
                .body("state", equalTo("SUCCEEDED"))
                .body("matched", equalTo(0));

        given().get("/v1/namespaces/" + name + "/dead-letters").then().body("items.entryId", contains(a.id()));
        assertThat(endOffset(name)).as("nothing put on the log").isZero();
        given().get(replays(name)).then().body("size()", equalTo(2));
    }

    @Test
    void aJobIsPausedResumedAndCancelledAndHoldsItsNamespaceUntilItEnds() throws Exception {
        String name = ready(Specs.kafka(unique("replay-ctl"), 1));
        for (int i = 0; i < 40; i++) {
            shelf.kafka(kafkaDlq(name), DeadLetterShelf.entry(name, "k" + i, "HTTP_503"), "local", T0);
        }
        String id = given().contentType(ContentType.JSON)
                .body(Map.of("ratePerSecond", 5))
                .post(replays(name))
                .then()
                .statusCode(202)
                .extract()
                .path("id");

        given().contentType(ContentType.JSON)
                .body(Map.of("ratePerSecond", 5))
                .post(replays(name))
                .then()
                .statusCode(409)
                .body("code", equalTo("REPLAY_IN_PROGRESS"))
                .body("detail", containsString(id));
        await().atMost(Duration.ofSeconds(30)).until(() -> job(name, id).getLong("replayed") > 0);

        given().post(replays(name) + "/" + id + "/pause").then().statusCode(200).body("state", equalTo("PAUSED"));
        long paused = await().atMost(Duration.ofSeconds(30))
                .until(() -> job(name, id).getLong("replayed"), n -> endOffset(name) == n);
        assertThat(paused).as("a paused job stops short").isLessThan(40);

        given().post(replays(name) + "/" + id + "/resume")
                .then()
                .statusCode(200)
                .body("state", equalTo("PENDING"));
        await().atMost(Duration.ofSeconds(30)).until(() -> job(name, id).getLong("replayed") > paused);

        given().post(replays(name) + "/" + id + "/cancel")
                .then()
                .statusCode(200)
                .body("state", equalTo("CANCELLED"));
        given().post(replays(name) + "/" + id + "/resume")
                .then()
                .statusCode(409)
                .body("code", equalTo("REPLAY_ENDED"));
        given().post(replays(name) + "/" + id + "/cancel").then().statusCode(200);
        long replayed = await().atMost(Duration.ofSeconds(30))
                .until(() -> job(name, id).getLong("replayed"), n -> endOffset(name) == n);
        given().get("/v1/namespaces/" + name + "/dead-letters/summary").then().body("[0].count", equalTo((int)
                (40 - replayed)));
        given().contentType(ContentType.JSON)
                .body(Map.of("dryRun", true))
                .post(replays(name))
                .then()
                .statusCode(200)
                .body("matched", equalTo((int) (40 - replayed)));
    }

    @Test
    void aJobLeftByAControllerThatDiedGoesOnFromItsPositionReplayingNothingTwice() throws Exception {
        String name = ready(Specs.kafka(unique("replay-resume"), 1));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(shelf.kafka(kafkaDlq(name), DeadLetterShelf.entry(name, "k" + i, "HTTP_503"), "local", T0)
                    .id());
        }
        String job = UUID.randomUUID().toString();
        // As a controller leaves a job when it is killed mid-way: six letters done, its lease run out.
        try (Connection db = db()) {
            long sixth = rowId(db, ids.get(5));
            db.createStatement()
                    .executeUpdate("UPDATE dead_letters SET state = 'REPLAYED', replay_job = '" + job
                            + "' WHERE namespace = '" + name + "' AND id <= " + sixth);
            try (PreparedStatement s = db.prepareStatement(
                    "INSERT INTO replay_jobs (id, namespace, kind, state,"
                            + " request, rate_per_second, dry_run, actor, created_at, started_at, matched, replayed,"
                            + " high_water, position, lease_owner, lease_until) VALUES (?, ?, 'DEAD_LETTERS', 'RUNNING',"
                            + " ?, 100, false, 'alice', now(), now(), 10, 6, ?, ?, 'controller-killed', now() - interval '1 s')")) {
                s.setString(1, job);
                s.setString(2, name);
                s.setString(3, "{\"filter\":{},\"resetAttempts\":true}");
                s.setLong(4, rowId(db, ids.get(9)));
                s.setString(5, Long.toString(sixth));
                s.executeUpdate();
            }
        }

        JsonPath done = finished(name, job);

        assertThat(done.getString("state")).isEqualTo("SUCCEEDED");
        assertThat(done.getLong("replayed")).isEqualTo(10);
        assertThat(log(name, 4))
                .extracting(r -> EnvelopeCodec.decode(r.value()).id().toString())
                .containsExactlyInAnyOrderElementsOf(ids.subList(6, 10));
        assertThat(endOffset(name)).as("each of the rest once").isEqualTo(4);
    }

    @Test
    void onSqsReplayedLettersGoBackOnTheQueueAndLeaveTheDlq() throws Exception {
        String name = ready(Specs.sqs(unique("replay-sqs")));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(shelf.sqs(sqsDlq(name), DeadLetterShelf.entry(name, "k" + i, "HTTP_503"), "local", T0)
                    .id());
        }

        String id = given().contentType(ContentType.JSON)
                .body(Map.of("ratePerSecond", 100, "attempts", "keep"))
                .post(replays(name))
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        assertThat(finished(name, id).getLong("replayed")).isEqualTo(3);

        String queue = ResourceNames.defaultLogName(BackendType.SQS, name);
        List<Envelope> back = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            String url = sqs.getQueueUrl(b -> b.queueName(queue)).queueUrl();
            sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1))
                    .messages()
                    .forEach(m ->
                            back.add(EnvelopeCodec.decode(Base64.getDecoder().decode(m.body()))));
            return back.size() >= 3;
        });
        assertThat(back).extracting(e -> e.id().toString()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(back).allSatisfy(e -> assertThat(e.replays()).hasSize(1));
        String dlqUrl = sqs.getQueueUrl(b -> b.queueName(sqsDlq(name))).queueUrl();
        assertThat(sqs.receiveMessage(
                                b -> b.queueUrl(dlqUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
                        .messages())
                .as("gone from the DLQ")
                .isEmpty();
    }

    @Test
    void badRequestsAreRefusedEachWithItsCodeAndNothingStarts() throws Exception {
        String name = ready(Specs.kafka(unique("replay-bad"), 1));
        String sqsName = ready(Specs.sqs(unique("replay-bad-sqs")));
        shelf.kafka(kafkaDlq(name), DeadLetterShelf.entry(name, "a", "HTTP_503"), "local", T0);
        Map<String, Object> bodies = Map.of(
                "{\"ratePerSecond\":0}", "INVALID_RATE",
                "{\"ratePerSecond\":100000}", "INVALID_RATE",
                "{\"since\":\"2026-12-02T00:00:00Z\",\"until\":\"2026-12-01T00:00:00Z\"}", "INVALID_TIME_RANGE",
                "{\"speed\":3}", "UNKNOWN_FIELD",
                "{\"attempts\":\"some\"}", "MALFORMED_REQUEST",
                "{\"entryIds\":[\"nope\"]}", "MALFORMED_REQUEST");
        bodies.forEach((body, code) -> given().body(body)
                .post(replays(name))
                .then()
                .statusCode(oneOf(400, 422))
                .body("code", equalTo(code)));
        given().get(replays(name) + "/" + UUID.randomUUID())
                .then()
                .statusCode(404)
                .body("code", equalTo("REPLAY_NOT_FOUND"));
        given().post(replays(name) + "/not-a-job/pause")
                .then()
                .statusCode(404)
                .body("code", equalTo("REPLAY_NOT_FOUND"));

        String logBody = "{\"from\":\"2026-12-01T00:00:00Z\",\"to\":\"2026-12-02T00:00:00Z\"}";
        given().body(logBody)
                .post("/v1/namespaces/" + sqsName + "/log-replays")
                .then()
                .statusCode(422)
                .body("code", equalTo("UNSUPPORTED_FOR_BACKEND"));
        given().body("{\"from\":\"2026-12-02T00:00:00Z\",\"to\":\"2026-12-01T00:00:00Z\"}")
                .post("/v1/namespaces/" + name + "/log-replays")
                .then()
                .statusCode(400)
                .body("code", equalTo("INVALID_TIME_RANGE"));
        given().body("{\"to\":\"2026-12-01T00:00:00Z\"}")
                .post("/v1/namespaces/" + name + "/log-replays")
                .then()
                .statusCode(400)
                .body("code", equalTo("MISSING_FIELD"));
        given().body(logBody.replace("}", ",\"region\":\"mars\"}"))
                .post("/v1/namespaces/" + name + "/log-replays")
                .then()
                .body("code", equalTo("INVALID_REGION"));

        given().post("/v1/namespaces/" + name + "/pause").then().statusCode(200);
        given().body("{}").post(replays(name)).then().statusCode(409).body("code", equalTo("NAMESPACE_PAUSED"));
        given().get(replays(name)).then().body("size()", equalTo(0));
    }

    @Test
    void aLogReplayPutsTheRangesEntriesBackForOneRegionOnceEachSkippingTheNamedOnes() throws Exception {
        String name = ready(Specs.kafka(unique("log-replay"), 2));
        String topic = ResourceNames.defaultLogName(BackendType.KAFKA, name);
        List<Envelope> written = new ArrayList<>();
        Instant from = Instant.now().minusSeconds(1);
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (int i = 0; i < 10; i++) {
                Envelope e = DeadLetterShelf.fresh(name, "k" + i);
                written.add(e);
                send(producer, topic, e);
            }
            // A retry of the first for this region and a copy for another: neither is applied twice.
            send(
                    producer,
                    topic,
                    written.get(0)
                            .withFailure("HTTP_503", "busy", Instant.now())
                            .retryAt(Instant.now())
                            .forRegion("local"));
            send(producer, topic, written.get(1).forRegion("elsewhere"));
        }
        Instant to = Instant.now().plusSeconds(1);
        String skipped = written.get(3).id().toString();

        String id = given().contentType(ContentType.JSON)
                .body(Map.of(
                        "from", from.toString(), "to", to.toString(), "skip", List.of(skipped), "ratePerSecond", 100))
                .post("/v1/namespaces/" + name + "/log-replays")
                .then()
                .statusCode(202)
                .body("kind", equalTo("LOG"))
                .body("matched", equalTo(12))
                .extract()
                .path("id");
        JsonPath done = finished(name, id);

        assertThat(done.getString("state")).isEqualTo("SUCCEEDED");
        assertThat(done.getLong("replayed")).isEqualTo(9);
        assertThat(done.getLong("skipped")).isEqualTo(3);
        List<Envelope> again = log(name, 21).stream()
                .map(r -> EnvelopeCodec.decode(r.value()))
                .filter(e -> !e.replays().isEmpty())
                .toList();
        assertThat(again)
                .extracting(e -> e.id().toString())
                .containsExactlyInAnyOrderElementsOf(written.stream()
                        .map(e -> e.id().toString())
                        .filter(e -> !e.equals(skipped))
                        .toList());
        assertThat(again).allSatisfy(e -> {
            assertThat(e.region()).isEqualTo("local");
            assertThat(e.attempt()).isEqualTo(1);
        });
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, Envelope e) throws Exception {
        producer.send(new ProducerRecord<>(
                        topic, e.partitionKey().getBytes(StandardCharsets.UTF_8), EnvelopeCodec.encode(e)))
                .get(30, TimeUnit.SECONDS);
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put("bootstrap.servers", ControllerDevstack.devstack().kafka().bootstrapServers());
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** The job once it has ended. */
    private static JsonPath finished(String name, String id) {
        return await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> job(name, id), j -> !List.of("PENDING", "RUNNING").contains(j.getString("state")));
    }

    private static JsonPath job(String name, String id) {
        return given().get(replays(name) + "/" + id)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    /** At least {@code count} records of the namespace's log, read from the beginning. */
    private static List<ConsumerRecord<byte[], byte[]>> log(String name, int count) {
        String topic = ResourceNames.defaultLogName(BackendType.KAFKA, name);
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(found::add);
                return found.size() >= count;
            });
            return found;
        }
    }

    /** How many records the namespace's log holds. */
    private static long endOffset(String name) {
        String topic = ResourceNames.defaultLogName(BackendType.KAFKA, name);
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            return consumer.endOffsets(partitions).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer() {
        Properties p = new Properties();
        p.put("bootstrap.servers", ControllerDevstack.devstack().kafka().bootstrapServers());
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static Connection db() throws Exception {
        return DriverManager.getConnection(
                ControllerDevstack.devstack().postgres().jdbcUrl(ControllerDevstack.DATABASE) + "?user="
                        + PostgresServer.USER);
    }

    private static long rowId(Connection db, String entryId) throws Exception {
        try (PreparedStatement s = db.prepareStatement("SELECT id FROM dead_letters WHERE entry_id = ?")) {
            s.setString(1, entryId);
            var rows = s.executeQuery();
            rows.next();
            return rows.getLong(1);
        }
    }

    private static String replays(String name) {
        return "/v1/namespaces/" + name + "/replays";
    }
}
