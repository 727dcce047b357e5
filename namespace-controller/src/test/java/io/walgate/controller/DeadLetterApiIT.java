package io.walgate.controller;

import static io.restassured.RestAssured.given;
import static io.walgate.controller.TestNamespaces.kafkaDlq;
import static io.walgate.controller.TestNamespaces.ready;
import static io.walgate.controller.TestNamespaces.sqsDlq;
import static io.walgate.controller.TestNamespaces.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.path.json.JsonPath;
import io.walgate.adapter.sqs.SqsAdapters;
import io.walgate.devstack.SqsServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Operators' dead-letter API against real PostgreSQL, Kafka and ElasticMQ: dead letters sit in the
 * namespace's real DLQ and in the index, as a worker leaves them.
 */
@QuarkusTest
@QuarkusTestResource(ControllerDevstack.class)
@TestSecurity(user = "alice", roles = "walgate-admin")
class DeadLetterApiIT {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static SqsClient sqs;
    private static DeadLetterShelf shelf;

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

    private static String dl(String name) {
        return "/v1/namespaces/" + name + "/dead-letters";
    }

    @Test
    void deadLettersAreListedNewestFirstPageByPageAndFiltered() throws Exception {
        String name = ready(Specs.kafka(unique("dlq-list"), 2));
        var a = shelf.kafka(kafkaDlq(name), DeadLetterShelf.entry(name, "a", "HTTP_400"), "local", T0);
        var b = shelf.kafka(kafkaDlq(name), DeadLetterShelf.entry(name, "b", "HTTP_503"), "west", T0.plusSeconds(60));
        var c = shelf.kafka(kafkaDlq(name), DeadLetterShelf.entry(name, "c", "HTTP_400"), "local", T0.plusSeconds(120));

        JsonPath first = given().get(dl(name) + "?pageSize=2")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(first.getList("items.entryId")).containsExactly(c.id(), b.id());
        JsonPath second = given().get(dl(name) + "?pageSize=2&pageToken=" + first.getString("nextPageToken"))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(second.getList("items.entryId")).containsExactly(a.id());
        assertThat(second.getString("nextPageToken")).isNull();

        assertThat(ids(name, "?errorCode=HTTP_400")).containsExactly(c.id(), a.id());
        assertThat(ids(name, "?region=west")).containsExactly(b.id());
        assertThat(ids(name, "?key=b")).as("target key").containsExactly(b.id());
        assertThat(ids(name, "?key=pk-a")).as("partition key").containsExactly(a.id());
        assertThat(ids(name, "?since=" + T0.plusSeconds(60) + "&until=" + T0.plusSeconds(120)))
                .containsExactly(b.id());

        given().get(dl(name))
                .then()
                .body("items[0].lastError.code", equalTo("HTTP_400"))
                .body("items[0].lastError.message", equalTo("refused: c"))
                .body("items[0].location.dlq", equalTo(kafkaDlq(name)))
                .body("items[0].entry", nullValue());
        given().get(dl(name) + "/summary")
                .then()
                .statusCode(200)
                .body("region", equalTo(List.of("local", "west")))
                .body("count", equalTo(List.of(2, 1)))
                .body(
                        "oldestDeadAt",
                        equalTo(List.of(T0.toString(), T0.plusSeconds(60).toString())));
    }

    private static List<String> ids(String name, String query) {
        return given().get(dl(name) + query)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items.entryId");
    }

    @Test
    void badFiltersAreRefusedNamingTheParameter() {
        String name = ready(Specs.kafka(unique("dlq-bad"), 1));
        for (Map<String, String> query : List.of(
                Map.of("since", "yesterday"),
                Map.of("pageSize", "0"),
                Map.of("pageSize", "501"),
                Map.of("region", "EU West"),
                Map.of("errorCode", "http 400"),
                Map.of("pageToken", "garbage"),
                Map.of("key", "a\u0000b"))) {
            var refused = given().queryParams(query).get(dl(name));
            assertThat(refused.statusCode())
                    .as(query + ": " + refused.asString())
                    .isEqualTo(400);
            assertThat(refused.jsonPath().getString("code")).isEqualTo("MALFORMED_REQUEST");
        }
        given().get(dl(name) + "/not-an-entry-id")
                .then()
                .statusCode(404)
                .body("code", equalTo("DEAD_LETTER_NOT_FOUND"));
        given().get(dl(name) + "/0190d7a8-0000-7000-8000-000000000000")
                .then()
                .statusCode(404)
                .body("code", equalTo("DEAD_LETTER_NOT_FOUND"));
        given().get(dl("no-such-namespace")).then().statusCode(404).body("code", equalTo("NAMESPACE_NOT_FOUND"));
    }

    @Test
    void theContentsAreReadFromTheDlqOnlyWhenAsked() throws Exception {
        String name = ready(Specs.kafka(unique("dlq-show"), 1));
        var a = shelf.kafka(kafkaDlq(name), DeadLetterShelf.entry(name, "a", "HTTP_400"), "local", T0);

        given().get(dl(name) + "/" + a.id())
                .then()
                .statusCode(200)
                .body("entryId", equalTo(a.id()))
                .body("firstError.code", equalTo("HTTP_400"))
                .body("entry", nullValue());
        JsonPath shown = given().get(dl(name) + "/" + a.id() + "?include=payload")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(new String(Base64.getDecoder().decode(shown.getString("entry.payload")), StandardCharsets.UTF_8))
                .isEqualTo("{\"key\":\"a\"}");
        assertThat(shown.getString("entry.target.key")).isEqualTo("a");
        assertThat(shown.getString("entry.headers.origin")).isEqualTo("test");
        given().get(dl(name) + "/" + a.id() + "?include=everything").then().statusCode(400);
    }

    @Test
    void aDiscardNeedsAReasonLeavesTheListingAndIsAudited() throws Exception {
        String name = ready(Specs.kafka(unique("dlq-discard"), 1));
        var a = shelf.kafka(kafkaDlq(name), DeadLetterShelf.entry(name, "a", "HTTP_400"), "local", T0);
        var b = shelf.kafka(kafkaDlq(name), DeadLetterShelf.entry(name, "b", "HTTP_400"), "local", T0);

        given().delete(dl(name) + "/" + a.id()).then().statusCode(400).body("code", equalTo("MISSING_FIELD"));
        given().queryParam("reason", "bad data from the import")
                .delete(dl(name) + "/" + a.id())
                .then()
                .statusCode(200)
                .body("discarded", equalTo(1));

        assertThat(ids(name, "")).containsExactly(b.id());
        given().get(dl(name) + "/" + a.id()).then().statusCode(404).body("code", equalTo("DEAD_LETTER_NOT_FOUND"));
        given().delete(dl(name) + "/" + a.id() + "?reason=again").then().statusCode(404);
        given().get("/v1/namespaces/" + name + "/audit")
                .then()
                .body("[0].action", equalTo("dead-letters.discard"))
                .body("[0].actor", equalTo("client:alice"))
                .body("[0].details.reason", equalTo("bad data from the import"))
                .body("[0].details.discarded", equalTo(1))
                .body("[0].details.filter.entryIds", equalTo(List.of(a.id())));
    }

    @Test
    void aPurgeByFilterCountsOnADryRunAndDiscardsOtherwise() throws Exception {
        String name = ready(Specs.kafka(unique("dlq-purge"), 1));
        shelf.kafka(kafkaDlq(name), DeadLetterShelf.entry(name, "a", "HTTP_400"), "local", T0);
        shelf.kafka(kafkaDlq(name), DeadLetterShelf.entry(name, "b", "HTTP_400"), "local", T0);
        var c = shelf.kafka(kafkaDlq(name), DeadLetterShelf.entry(name, "c", "HTTP_503"), "local", T0);

        given().body("{\"errorCode\":\"HTTP_400\",\"dryRun\":true}")
                .post(dl(name) + ":purge")
                .then()
                .statusCode(200)
                .body("dryRun", equalTo(true))
                .body("matched", equalTo(2))
                .body("discarded", equalTo(0));
        assertThat(ids(name, "")).hasSize(3);
        given().body("{\"errorCode\":\"HTTP_400\"}")
                .post(dl(name) + ":purge")
                .then()
                .statusCode(400)
                .body("code", equalTo("MISSING_FIELD"));
        given().body("{\"errorCode\":\"HTTP_400\",\"reason\":\"fixed upstream\",\"colour\":1}")
                .post(dl(name) + ":purge")
                .then()
                .statusCode(400)
                .body("code", equalTo("UNKNOWN_FIELD"));

        given().body("{\"errorCode\":\"HTTP_400\",\"reason\":\"fixed upstream\"}")
                .post(dl(name) + ":purge")
                .then()
                .statusCode(200)
                .body("matched", equalTo(2))
                .body("discarded", equalTo(2));
        assertThat(ids(name, "")).containsExactly(c.id());
        given().get("/v1/namespaces/" + name + "/audit").then().body("[0].action", equalTo("dead-letters.purge"));
    }

    @Test
    void aPurgeOfMoreLettersThanOneStatementCanBindDiscardsThemAll() throws Exception {
        String name = ready(Specs.kafka(unique("dlq-many"), 1));
        shelf.indexMany(name, "local", 70_000); // PostgreSQL binds at most 65 535 parameters per statement

        given().body("{\"errorCode\":\"HTTP_503\",\"reason\":\"load test leftovers\"}")
                .post(dl(name) + ":purge")
                .then()
                .statusCode(200)
                .body("matched", equalTo(70_000))
                .body("discarded", equalTo(70_000));
        given().get(dl(name) + "/summary").then().body("size()", equalTo(0));
    }

    @Test
    void onSqsADiscardDeletesTheMessageAndTheContentsComeFromTheQueue() throws Exception {
        String name = ready(Specs.sqs(unique("dlq-sqs")));
        String queue = sqsDlq(name);
        var a = shelf.sqs(queue, DeadLetterShelf.entry(name, "a", "HTTP_400"), "local", T0);
        var b = shelf.sqs(queue, DeadLetterShelf.entry(name, "b", "HTTP_400"), "local", T0);

        JsonPath shown = given().get(dl(name) + "/" + b.id() + "?include=payload")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(new String(Base64.getDecoder().decode(shown.getString("entry.payload")), StandardCharsets.UTF_8))
                .isEqualTo("{\"key\":\"b\"}");
        assertThat(visible(queue)).as("shown again after reading").isEqualTo(2);

        given().queryParam("reason", "duplicate")
                .delete(dl(name) + "/" + a.id())
                .then()
                .statusCode(200)
                .body("discarded", equalTo(1))
                .body("notRemoved", equalTo(0));

        assertThat(visible(queue))
                .as("the other message is back, the discarded one gone")
                .isEqualTo(1);
        assertThat(ids(name, "")).containsExactly(b.id());
        given().get(dl(name) + "/" + b.id() + "?include=payload")
                .then()
                .statusCode(200)
                .body("entry.target.key", equalTo("b"));
    }

    private static int visible(String queue) {
        String url = sqs.getQueueUrl(b -> b.queueName(queue)).queueUrl();
        return Integer.parseInt(sqs.getQueueAttributes(
                        b -> b.queueUrl(url).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                .attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
    }

    @Test
    void theIndexIsRebuiltFromTheDlqKeepingWhatWasDiscarded() throws Exception {
        String name = ready(Specs.kafka(unique("dlq-reindex"), 2));
        var a = shelf.kafka(kafkaDlq(name), DeadLetterShelf.entry(name, "a", "HTTP_400"), "local", T0);
        var b = DeadLetterShelf.entry(name, "b", "HTTP_503");
        shelf.kafkaUnindexed(kafkaDlq(name), b, "west", T0.plusSeconds(5));
        given().delete(dl(name) + "/" + a.id() + "?reason=handled").then().statusCode(200);

        given().post(dl(name) + ":reindex")
                .then()
                .statusCode(200)
                .body("scanned", equalTo(2))
                .body("added", equalTo(1));
        given().get(dl(name))
                .then()
                .body("items.entryId", equalTo(List.of(b.id().toString())))
                .body("items[0].region", equalTo("west"))
                .body("items[0].lastError.code", equalTo("HTTP_503"))
                .body("items[0].targetKey", equalTo("b"))
                .body("items[0].deadAt", equalTo(T0.plusSeconds(5).toString()));
        given().post(dl(name) + ":reindex").then().statusCode(200).body("added", equalTo(0));
        given().post(dl(name) + ":rebuild").then().statusCode(400).body("code", equalTo("MALFORMED_REQUEST"));
        given().get("/v1/namespaces/" + name + "/audit").then().body("[1].action", equalTo("dead-letters.reindex"));
    }

    @Test
    void anSqsIndexIsRebuiltFromTheQueueAndTheQueueKeepsItsMessages() throws Exception {
        String name = ready(Specs.sqs(unique("dlq-sqs-reindex")));
        var a = DeadLetterShelf.entry(name, "a", "HTTP_400");
        shelf.sqsUnindexed(sqsDlq(name), a, "local", T0);

        given().post(dl(name) + ":reindex").then().statusCode(200).body("added", equalTo(1));

        given().get(dl(name) + "/" + a.id() + "?include=payload")
                .then()
                .statusCode(200)
                .body("lastError.code", equalTo("HTTP_400"))
                .body("entry.target.key", equalTo("a"));
        assertThat(visible(sqsDlq(name))).isEqualTo(1);
    }

    @Test
    void aDeletedNamespaceTakesItsIndexWithIt() throws Exception {
        String name = ready(Specs.kafka(unique("dlq-gone"), 1));
        shelf.kafka(kafkaDlq(name), DeadLetterShelf.entry(name, "a", "HTTP_400"), "local", T0);
        given().delete("/v1/namespaces/" + name + "?force=true").then().statusCode(202);
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> given().get("/v1/namespaces/" + name).then().statusCode(404));

        ready(Specs.kafka(name, 1));
        given().get(dl(name)).then().statusCode(200).body("items", hasSize(0));
    }
}
