package io.walgate.controller;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.walgate.adapter.kafka.KafkaDelayTiers;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

@QuarkusTest
@QuarkusTestResource(ControllerDevstack.class)
@TestSecurity(user = "alice", roles = "walgate-admin")
class NamespaceApiIT {
    /** Quarkus' management interface: health, metrics and OpenAPI, on a port of their own. */
    @TestHTTPResource(value = "/", management = true)
    URL management;

    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final Duration PROVISIONED_WITHIN = Duration.ofSeconds(60);

    private static String unique(String prefix) {
        return prefix + "-" + SEQ.incrementAndGet() + "-" + Long.toString(System.nanoTime() % 1_000_000, 36);
    }

    private static Response create(Map<String, Object> spec) {
        return given().contentType(ContentType.JSON).body(spec).post("/v1/namespaces");
    }

    private static void awaitPhase(String name, String phase) {
        await().atMost(PROVISIONED_WITHIN)
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> given().get("/v1/namespaces/" + name)
                        .then()
                        .statusCode(200)
                        .body("status.phase", equalTo(phase)));
    }

    private static void awaitGone(String name) {
        await().atMost(PROVISIONED_WITHIN)
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(
                        () -> given().get("/v1/namespaces/" + name).then().statusCode(404));
    }

    @Test
    void aNamespaceIsCreatedReadReplacedAndDeleted() {
        String name = unique("orders");
        Response created = create(Specs.kafka(name, 3));
        created.then()
                .statusCode(201)
                .header("Location", Matchers.endsWith("/v1/namespaces/" + name))
                .body("name", equalTo(name))
                .body("spec.backend.type", equalTo("kafka"))
                .body("spec.backend.topic", equalTo("wal." + name))
                .body("spec.shard", equalTo("default"))
                .body("spec.state", equalTo("ACTIVE"))
                .body("spec.delivery.maxDelay", equalTo("PT168H"))
                .body("updatedBy", equalTo("client:alice"));
        String etag = created.header("ETag");
        assertThat(etag).matches("\"\\d+\"");

        given().get("/v1/namespaces/" + name)
                .then()
                .statusCode(200)
                .header("ETag", etag)
                .body("spec.owner", equalTo("team-orders"));

        Map<String, Object> changed = Specs.with(Specs.kafka(name, 3), "owner", "team-checkout");
        Response replaced = given().contentType(ContentType.JSON)
                .header("If-Match", etag)
                .body(changed)
                .put("/v1/namespaces/" + name);
        replaced.then().statusCode(200).body("spec.owner", equalTo("team-checkout"));
        assertThat(version(replaced.header("ETag"))).isGreaterThan(version(etag));

        given().header("If-Match", replaced.header("ETag"))
                .delete("/v1/namespaces/" + name)
                .then()
                .statusCode(202)
                .body("spec.state", equalTo("DELETED"))
                .body("status.phase", equalTo("DELETING"));
        awaitGone(name);
    }

    @Test
    void aKafkaNamespaceGetsItsTopicsWithTheAskedPartitionsAndDeletingRemovesThem() throws Exception {
        String name = unique("kafka");
        create(Specs.kafka(name, 4)).then().statusCode(201);
        awaitPhase(name, "READY");

        try (Admin admin = Admin.create(Map.of(
                "bootstrap.servers", ControllerDevstack.devstack().kafka().bootstrapServers()))) {
            List<String> expected = new ArrayList<>(List.of("wal." + name, "wal." + name + ".dlq"));
            KafkaDelayTiers.TIERS.forEach(t -> expected.add(KafkaDelayTiers.topicName("wal." + name, t)));
            Map<String, TopicDescription> topics =
                    admin.describeTopics(expected).allTopicNames().get(30, TimeUnit.SECONDS);
            assertThat(topics.values())
                    .hasSize(expected.size())
                    .allSatisfy(t -> assertThat(t.partitions()).hasSize(4));
            given().get("/v1/namespaces/" + name).then().body("status.resources.size()", equalTo(expected.size()));

            given().delete("/v1/namespaces/" + name).then().statusCode(202);
            awaitGone(name);
            Set<String> left = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            assertThat(left).doesNotContainAnyElementsOf(expected);
        }
    }

    @Test
    void anSqsNamespaceGetsBothQueuesJoinedByARedrivePolicyAndDeletingRemovesThem() {
        String name = unique("sqs");
        create(Specs.sqs(name)).then().statusCode(201).body("spec.backend.topic", equalTo("wal-" + name));
        awaitPhase(name, "READY");

        try (SqsClient sqs = SqsClient.builder()
                .endpointOverride(URI.create(ControllerDevstack.devstack().sqs().endpoint()))
                .region(Region.of("elasticmq"))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build()) {
            String mainUrl = sqs.getQueueUrl(b -> b.queueName("wal-" + name)).queueUrl();
            String dlqUrl =
                    sqs.getQueueUrl(b -> b.queueName("wal-" + name + "-dlq")).queueUrl();
            String dlqArn = sqs.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes()
                    .get(QueueAttributeName.QUEUE_ARN);
            String redrive = sqs.getQueueAttributes(
                            b -> b.queueUrl(mainUrl).attributeNames(QueueAttributeName.REDRIVE_POLICY))
                    .attributes()
                    .get(QueueAttributeName.REDRIVE_POLICY);
            assertThat(redrive).contains(dlqArn);

            given().delete("/v1/namespaces/" + name).then().statusCode(202);
            awaitGone(name);
            assertThat(sqs.listQueues(b -> b.queueNamePrefix("wal-" + name)).queueUrls())
                    .isEmpty();
        }
    }

    @Test
    void aStaleIfMatchIsRefusedWith412AndAMissingOneWith428() {
        String name = unique("cas");
        String first = create(Specs.kafka(name, 1)).header("ETag");
        Map<String, Object> a = Specs.with(Specs.kafka(name, 1), "owner", "team-a");
        String second = given().contentType(ContentType.JSON)
                .header("If-Match", first)
                .body(a)
                .put("/v1/namespaces/" + name)
                .then()
                .statusCode(200)
                .extract()
                .header("ETag");

        Map<String, Object> b = Specs.with(Specs.kafka(name, 1), "owner", "team-b");
        given().contentType(ContentType.JSON)
                .header("If-Match", first)
                .body(b)
                .put("/v1/namespaces/" + name)
                .then()
                .statusCode(412)
                .contentType("application/problem+json")
                .body("code", equalTo("VERSION_CONFLICT"));
        given().contentType(ContentType.JSON)
                .body(b)
                .put("/v1/namespaces/" + name)
                .then()
                .statusCode(428)
                .body("code", equalTo("PRECONDITION_REQUIRED"));
        given().get("/v1/namespaces/" + name).then().header("ETag", second).body("spec.owner", equalTo("team-a"));
    }

    @Test
    void creatingANamespaceTwiceIsAConflict() {
        String name = unique("twice");
        create(Specs.kafka(name, 1)).then().statusCode(201);
        create(Specs.kafka(name, 1)).then().statusCode(409).body("code", equalTo("NAMESPACE_EXISTS"));
    }

    @Test
    void theBackendCannotBeSwappedNorItsPartitionsShrunk() {
        String name = unique("immutable");
        String etag = create(Specs.kafka(name, 4)).header("ETag");
        given().contentType(ContentType.JSON)
                .header("If-Match", etag)
                .body(Specs.sqs(name))
                .put("/v1/namespaces/" + name)
                .then()
                .statusCode(422)
                .body("code", equalTo("INVALID_BACKEND"));
        given().contentType(ContentType.JSON)
                .header("If-Match", etag)
                .body(Specs.kafka(name, 2))
                .put("/v1/namespaces/" + name)
                .then()
                .statusCode(422)
                .body("code", equalTo("INVALID_PARTITIONS"))
                .body("violations[0].field", equalTo("backend.partitions"));
    }

    @Test
    void pausingAndResumingAreChangesAndRepeatingOneIsNot() {
        String name = unique("pause");
        long created = version(create(Specs.kafka(name, 1)).header("ETag"));
        Response paused = given().post("/v1/namespaces/" + name + "/pause");
        paused.then().statusCode(200).body("spec.state", equalTo("PAUSED"));
        long pausedAt = version(paused.header("ETag"));
        assertThat(pausedAt).isGreaterThan(created);
        assertThat(version(given().post("/v1/namespaces/" + name + "/pause").header("ETag")))
                .isEqualTo(pausedAt);

        // A replace that does not name a state keeps the namespace paused.
        given().contentType(ContentType.JSON)
                .header("If-Match", paused.header("ETag"))
                .body(Specs.with(Specs.kafka(name, 1), "owner", "team-z"))
                .put("/v1/namespaces/" + name)
                .then()
                .statusCode(200)
                .body("spec.state", equalTo("PAUSED"));

        given().post("/v1/namespaces/" + name + "/resume")
                .then()
                .statusCode(200)
                .body("spec.state", equalTo("ACTIVE"));
        given().post("/v1/namespaces/nope-" + name + "/pause")
                .then()
                .statusCode(404)
                .body("code", equalTo("NAMESPACE_NOT_FOUND"));
    }

    @Test
    void theChangeFeedDeliversEveryChangeOnceAndInOrderAcrossReconnects() {
        long start = given().get("/v1/namespaces/changes")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getLong("lastVersion");
        // Other tests change namespaces too; follow only ours, but every version must be seen.
        String a = unique("feed-a");
        String b = unique("feed-b");
        String etagA = create(Specs.kafka(a, 1)).header("ETag");
        create(Specs.sqs(b)).then().statusCode(201);
        given().contentType(ContentType.JSON)
                .header("If-Match", etagA)
                .body(Specs.with(Specs.kafka(a, 2), "owner", "x"))
                .put("/v1/namespaces/" + a)
                .then()
                .statusCode(200);
        given().post("/v1/namespaces/" + b + "/pause").then().statusCode(200);
        given().post("/v1/namespaces/" + b + "/resume").then().statusCode(200);
        given().delete("/v1/namespaces/" + a).then().statusCode(202);

        List<String> ours = new ArrayList<>();
        List<Long> versions = new ArrayList<>();
        long after = start;
        for (int reconnect = 0; reconnect < 100 && ours.size() < 6; reconnect++) {
            // A client that reads two at a time and reconnects with the last version it saw.
            var page = given().queryParam("after", after)
                    .queryParam("limit", 2)
                    .get("/v1/namespaces/changes")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            List<Map<String, Object>> changes = page.getList("changes");
            for (Map<String, Object> c : changes) {
                versions.add(((Number) c.get("version")).longValue());
                if (c.get("name").equals(a) || c.get("name").equals(b)) {
                    ours.add(c.get("name") + ":" + c.get("kind"));
                }
            }
            after = page.getLong("lastVersion");
        }
        assertThat(ours)
                .containsExactly(
                        a + ":CREATED", b + ":CREATED", a + ":UPDATED", b + ":PAUSED", b + ":RESUMED", a + ":DELETED");
        for (int i = 1; i < versions.size(); i++) {
            assertThat(versions.get(i)).as("gap-free, strictly increasing").isEqualTo(versions.get(i - 1) + 1);
        }
        assertThat(versions.get(0)).isEqualTo(start + 1);
    }

    @Test
    void aLongPollIsAnsweredByTheNextChange() throws Exception {
        long latest = given().get("/v1/namespaces/changes")
                .then()
                .extract()
                .jsonPath()
                .getLong("lastVersion");
        CompletableFuture<JsonPath> waiting = CompletableFuture.supplyAsync(() -> given().auth()
                .none()
                .queryParam("after", latest)
                .queryParam("wait", "PT30S")
                .get("/v1/namespaces/changes")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath());
        String name = unique("poll");
        // The long poll is waiting: nothing answers it while nothing changes.
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !waiting.isDone());
        create(Specs.kafka(name, 1)).then().statusCode(201);

        var page = waiting.get(60, TimeUnit.SECONDS);
        assertThat(page.getList("changes.name", String.class)).contains(name);
    }

    @Test
    void listingIsPagedInNameOrderAndFiltersByShard() {
        String shard = unique("shard").replace("-", "_");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String name = shard + "-ns" + i;
            names.add(name);
            create(Specs.with(Specs.kafka(name, 1), "shard", shard)).then().statusCode(201);
        }
        List<String> seen = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            var req = given().queryParam("shard", shard).queryParam("pageSize", 2);
            if (token != null) {
                req = req.queryParam("pageToken", token);
            }
            var page =
                    req.get("/v1/namespaces").then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("items.name", String.class));
            token = page.getString("nextPageToken");
            pages++;
        } while (token != null && pages < 10);
        assertThat(seen).containsExactlyElementsOf(names);
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void theAuditLogSaysWhoDidWhat() {
        String name = unique("audit");
        create(Specs.kafka(name, 1)).then().statusCode(201);
        given().post("/v1/namespaces/" + name + "/pause").then().statusCode(200);
        given().get("/v1/namespaces/" + name + "/audit")
                .then()
                .statusCode(200)
                .body("action", equalTo(List.of("PAUSE", "CREATE")))
                .body("actor", equalTo(List.of("client:alice", "client:alice")));
    }

    @Test
    void aSpecPostedWithoutAJsonContentTypeIsStillReadAsJson() {
        String name = unique("curl");
        given().contentType("application/x-www-form-urlencoded")
                .body(
                        "{\"name\":\"" + name + "\",\"owner\":\"o\","
                                + "\"backend\":{\"type\":\"kafka\"},\"target\":{\"type\":\"http\",\"regions\":{\"local\":{\"url\":\"http://127.0.0.1:9\"}}}}")
                .post("/v1/namespaces")
                .then()
                .statusCode(201)
                .body("spec.backend.partitions", equalTo(12));
    }

    @Test
    @TestSecurity(user = "svc-orders", roles = "team-orders")
    void aCallerWithoutTheAdminRoleMayReadButNotChange() {
        given().get("/v1/namespaces").then().statusCode(200);
        create(Specs.kafka(unique("nope"), 1))
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("code", equalTo("FORBIDDEN"))
                .body("detail", startsWith("client:svc-orders may not change namespaces"));
    }

    @Test
    @TestSecurity(authorizationEnabled = true)
    void anAnonymousCallerIsRefusedWith401() {
        given().get("/v1/namespaces").then().statusCode(401).body("code", equalTo("UNAUTHENTICATED"));
        create(Specs.kafka(unique("anon"), 1)).then().statusCode(401).body("code", equalTo("UNAUTHENTICATED"));
    }

    @Test
    void healthIncludesTheDatabaseAndMetricsAndOpenApiArePublishedOnTheManagementPortOnly() {
        assertThat(management.toString()).as("the management interface's root").endsWith("/q/");
        given().get(management + "health/ready")
                .then()
                .statusCode(200)
                .body("checks.name", hasItem(Matchers.containsStringIgnoringCase("postgresql")));
        given().get(management + "metrics")
                .then()
                .statusCode(200)
                .body(Matchers.containsString("walgate_controller_namespaces"));
        given().get(management + "openapi")
                .then()
                .statusCode(200)
                .body(Matchers.containsString("/v1/namespaces/changes"));
        for (String inside : List.of("/q/health/ready", "/q/metrics", "/q/openapi")) {
            given().get(inside).then().statusCode(404);
        }
    }

    static long version(String etag) {
        return Long.parseLong(etag.replace("\"", ""));
    }
}
