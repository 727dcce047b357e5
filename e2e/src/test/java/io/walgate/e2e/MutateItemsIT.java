package io.walgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.walgate.devstack.JavaService;
import io.walgate.devstack.WalgateServices;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * MutateItems end to end: a set of writes across keys and two tables of a PostgreSQL target, stored
 * by the real gateway, applied by the real worker, through failures of the target, the worker and
 * the gateway. Each table records every row change (a trigger), so "applied once" is counted, not
 * inferred.
 */
@ExtendWith(FullStackExtension.class)
class MutateItemsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ITEMS = 500;

    /**
     * A namespace whose PostgreSQL target is a database of its own with tables {@code accounts} and
     * {@code orders} (entries may pick either), each with a trigger that logs every row change in
     * {@code audit}; retries come quickly.
     */
    private static void namespace(FullStack stack, String name, String limits) throws Exception {
        stack.devstack().postgres().createDatabase(name);
        try (Connection db = stack.devstack().postgres().connect(name);
                Statement s = db.createStatement()) {
            s.execute("CREATE TABLE audit (seq bigserial PRIMARY KEY, tbl text, key text, op text, entry_id uuid)");
            s.execute("CREATE FUNCTION audit() RETURNS trigger AS $$ BEGIN"
                    + " INSERT INTO audit (tbl, key, op, entry_id) VALUES (TG_TABLE_NAME, NEW.key, TG_OP, NEW.entry_id);"
                    + " RETURN NEW; END $$ LANGUAGE plpgsql");
            for (String table : List.of("accounts", "orders")) {
                // The target's own layout (PostgresTarget), made ahead so that the trigger can be on it.
                s.execute("CREATE TABLE " + table + " (key text PRIMARY KEY, payload bytea, content_type text,"
                        + " entry_id uuid NOT NULL, written_at timestamptz, updated_at timestamptz NOT NULL)");
                s.execute("CREATE TRIGGER audit AFTER INSERT OR UPDATE ON " + table
                        + " FOR EACH ROW EXECUTE FUNCTION audit()");
            }
        }
        String url = "postgresql://127.0.0.1:" + stack.devstack().postgres().port() + "/" + name + "?user=postgres";
        stack.client()
                .createNamespace("{\"name\":\"" + name + "\",\"owner\":\"t\","
                        + "\"backend\":{\"type\":\"kafka\",\"partitions\":3},"
                        + "\"retry\":{\"maxAttempts\":30,\"initialBackoff\":\"PT0.2S\",\"maxBackoff\":\"PT1S\"},"
                        + "\"target\":{\"type\":\"postgres\",\"regions\":{\"local\":{\"url\":\"" + url + "\"}},"
                        + "\"allow\":{\"table\":[\"accounts\",\"orders\"]}}"
                        + (limits == null ? "" : ",\"limits\":" + limits) + "}");
        stack.client().awaitWritable(name);
    }

    /**
     * 500 items: 0–249 into accounts, 250–499 into orders, keys {@code k(i % 200)}, so that keys
     * repeat in both tables (never within a batch of 100: each table's latest write of a key per
     * batch is what a PostgreSQL target writes).
     */
    private static List<String> items() {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < ITEMS; i++) {
            String table = i < 250 ? "accounts" : "orders";
            items.add("{\"json\":{\"i\":" + i + "},\"target\":{\"key\":\"k" + (i % 200) + "\",\"options\":{\"table\":\""
                    + table + "\"}}}");
        }
        return items;
    }

    /** What the tables hold once every item took effect: for each key, its last item. */
    private static Map<String, Integer> expected() {
        Map<String, Integer> last = new HashMap<>();
        for (int i = 0; i < ITEMS; i++) {
            last.put((i < 250 ? "accounts" : "orders") + "/k" + (i % 200), i);
        }
        return last;
    }

    private static HttpResponse<String> mutate(FullStack stack, String ns, String body)
            throws IOException, InterruptedException {
        return WalgateClient.send("POST", stack.gatewayUrl() + "/v1/namespaces/" + ns + "/mutations", body);
    }

    private static String body(List<String> items, String idempotencyKey) {
        return "{\"items\":[" + String.join(",", items) + "]"
                + (idempotencyKey == null ? "" : ",\"idempotencyKey\":\"" + idempotencyKey + "\"") + "}";
    }

    private static JsonNode status(FullStack stack, String ns, String id) throws Exception {
        HttpResponse<String> r =
                WalgateClient.send("GET", stack.gatewayUrl() + "/v1/namespaces/" + ns + "/mutations/" + id, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static String durableMutation(FullStack stack, String ns, String body) throws Exception {
        HttpResponse<String> r = mutate(stack, ns, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode answer = JSON.readTree(r.body());
        assertThat(answer.path("durable").asText()).isEqualTo("TRUE");
        assertThat(answer.path("itemCount").asInt()).isEqualTo(ITEMS);
        return answer.path("mutationId").asText();
    }

    private static void awaitApplied(FullStack stack, String ns, String id) {
        await().atMost(Duration.ofSeconds(120))
                .alias("mutation " + id + " APPLIED")
                .until(() -> status(stack, ns, id).path("state").asText().equals("APPLIED"));
    }

    /** Every table holds the last item of each key, and every item's change happened exactly once. */
    private static void assertEveryItemTookEffectOnce(FullStack stack, String ns) throws SQLException {
        try (Connection db = stack.devstack().postgres().connect(ns);
                Statement s = db.createStatement()) {
            Map<String, Integer> held = new HashMap<>();
            for (String table : List.of("accounts", "orders")) {
                try (ResultSet rs = s.executeQuery("SELECT key, convert_from(payload, 'UTF8') FROM " + table)) {
                    while (rs.next()) {
                        held.put(
                                table + "/" + rs.getString(1),
                                JSON.readTree(rs.getString(2)).path("i").asInt());
                    }
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }
            assertThat(held).as("the last item of each key wins").isEqualTo(expected());

            List<String> changes = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT entry_id::text FROM audit ORDER BY seq")) {
                while (rs.next()) {
                    changes.add(rs.getString(1));
                }
            }
            assertThat(changes)
                    .as("one row change per item, none twice")
                    .hasSize(ITEMS)
                    .doesNotHaveDuplicates();
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM audit a WHERE EXISTS (SELECT 1 FROM audit b"
                    + " WHERE b.tbl = a.tbl AND b.key = a.key AND b.seq > a.seq AND b.entry_id < a.entry_id)")) {
                rs.next();
                assertThat(rs.getInt(1))
                        .as("the changes of a key in item order")
                        .isZero();
            }
        }
    }

    @Test
    void fiveHundredItemsAcrossTwoTablesAllTakeEffectOnceEachAndTheLastItemOfAKeyWins(FullStack stack)
            throws Exception {
        namespace(stack, "mutate_all", null);
        String id = durableMutation(stack, "mutate_all", body(items(), "all-once"));

        awaitApplied(stack, "mutate_all", id);

        JsonNode done = status(stack, "mutate_all", id);
        assertThat(done.path("appliedCount").asInt()).isEqualTo(ITEMS);
        assertThat(done.path("logged").asBoolean()).isTrue();
        assertThat(done.path("regions").get(0).path("region").asText()).isEqualTo("local");
        assertEveryItemTookEffectOnce(stack, "mutate_all");

        // The same call again is the same mutation: reported, nothing stored or applied again.
        HttpResponse<String> repeat = mutate(stack, "mutate_all", body(items(), "all-once"));
        assertThat(repeat.statusCode()).as(repeat.body()).isEqualTo(200);
        assertThat(repeat.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(JSON.readTree(repeat.body()).path("mutationId").asText()).isEqualTo(id);
        assertEveryItemTookEffectOnce(stack, "mutate_all");
    }

    @Test
    void aTableLockedHalfWayHoldsTheMutationAtItsProgressAndATargetFailureThereIsRetriedToTheEnd(FullStack stack)
            throws Exception {
        namespace(stack, "mutate_locked", null);
        try (Connection lock = stack.devstack().postgres().connect("mutate_locked");
                Connection admin = stack.devstack().postgres().connect("mutate_locked")) {
            lock.setAutoCommit(false);
            lock.createStatement().execute("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE");

            String id = durableMutation(stack, "mutate_locked", body(items(), null));

            // Items 0-199 (accounts) are applied; the batch from 200 on waits for orders.
            await().atMost(Duration.ofSeconds(60))
                    .alias("progress stops at 200 of 500")
                    .until(() -> {
                        JsonNode s = status(stack, "mutate_locked", id);
                        return s.path("state").asText().equals("APPLYING")
                                && s.path("appliedCount").asInt() == 200;
                    });
            // The target fails under the worker: its connection is cut while it waits.
            await().atMost(Duration.ofSeconds(30)).until(() -> terminateLockWaiters(admin, "mutate_locked") > 0);
            await().atMost(Duration.ofSeconds(30))
                    .alias("the failure recorded at item 200")
                    .until(() -> {
                        JsonNode region = status(stack, "mutate_locked", id)
                                .path("regions")
                                .get(0);
                        return region.path("failedItem").asInt() == 200
                                && region.path("errorCode").asText().startsWith("PG_57")
                                && region.path("attempt").asInt() >= 1;
                    });
            lock.rollback();

            awaitApplied(stack, "mutate_locked", id);
            assertThat(status(stack, "mutate_locked", id)
                            .path("regions")
                            .get(0)
                            .path("attempt")
                            .asInt())
                    .isGreaterThan(1);
        }
        assertEveryItemTookEffectOnce(stack, "mutate_locked");
    }

    @Test
    void aWorkerKilledHardInTheMiddleOfAMutationResumesAfterARestartWithEveryItemOnce(FullStack stack)
            throws Exception {
        namespace(stack, "mutate_crash", null);
        JavaService worker = stack.worker();
        try (Connection lock = stack.devstack().postgres().connect("mutate_crash")) {
            lock.setAutoCommit(false);
            lock.createStatement().execute("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE");
            String id = durableMutation(stack, "mutate_crash", body(items(), null));
            try {
                await().atMost(Duration.ofSeconds(60))
                        .alias("progress stops at 200 of 500")
                        .until(() -> status(stack, "mutate_crash", id)
                                        .path("appliedCount")
                                        .asInt()
                                == 200);
                worker.kill();
                lock.rollback();
            } finally {
                worker.start();
            }
            awaitApplied(stack, "mutate_crash", id);
        }
        assertEveryItemTookEffectOnce(stack, "mutate_crash");
    }

    @Test
    void aGatewayKilledBetweenTheItemsAndTheMarkerLeavesItemsThatAreNeverAppliedAndAreReclaimed(FullStack stack)
            throws Exception {
        namespace(stack, "mutate_halt", null);
        JavaService gateway = stack.gateway();
        String reclaimed = haltedMutation(stack, gateway, "mutate_halt", "left-alone");
        String completed = haltedMutation(stack, gateway, "mutate_halt", "retried");

        // A retry with the same key, before the reclaim, completes the first call's mutation.
        HttpResponse<String> retry = mutate(stack, "mutate_halt", body(items(), "retried"));
        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(201);
        assertThat(JSON.readTree(retry.body()).path("mutationId").asText()).isEqualTo(completed);
        awaitApplied(stack, "mutate_halt", completed);
        assertEveryItemTookEffectOnce(stack, "mutate_halt");

        // The other one's marker never reached the log: never applied, and reclaimed when it expires.
        await().atMost(Duration.ofSeconds(150))
                .alias("mutation " + reclaimed + " reclaimed")
                .until(() -> WalgateClient.send(
                                        "GET",
                                        stack.gatewayUrl() + "/v1/namespaces/mutate_halt/mutations/" + reclaimed,
                                        null)
                                .statusCode()
                        == 404);
        try (Connection gw = stack.devstack().postgres().connect(WalgateServices.GATEWAY_DATABASE);
                Statement s = gw.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM mutation_chunks WHERE mutation_id = '"
                        + UUID.fromString(reclaimed) + "'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("its items are gone").isZero();
        }
        assertEveryItemTookEffectOnce(stack, "mutate_halt");
    }

    /** Halts the gateway after it stored a mutation's items, starts it again; the mutation's id. */
    private static String haltedMutation(FullStack stack, JavaService gateway, String ns, String key) throws Exception {
        Files.writeString(stack.gatewayHaltSwitch(), "halt");
        try {
            HttpResponse<String> lost = mutate(stack, ns, body(items(), key));
            throw new AssertionError("the gateway answered instead of halting: " + lost.body());
        } catch (IOException expected) {
            // the connection died with the gateway
        } finally {
            // The connection breaks a moment before the process is gone.
            await().atMost(Duration.ofSeconds(30)).until(() -> !gateway.isRunning());
            gateway.start();
        }
        try (Connection gw = stack.devstack().postgres().connect(WalgateServices.GATEWAY_DATABASE);
                Statement s = gw.createStatement();
                ResultSet rs = s.executeQuery("SELECT mutation_id, logged FROM mutations WHERE namespace = '" + ns
                        + "' AND idempotency_key = '" + key + "'")) {
            assertThat(rs.next()).as("the items were stored").isTrue();
            assertThat(rs.getBoolean(2)).as("no marker").isFalse();
            String id = rs.getString(1);
            JsonNode pending = status(stack, ns, id);
            assertThat(pending.path("state").asText()).isEqualTo("PENDING");
            assertThat(pending.path("logged").asBoolean()).isFalse();
            return id;
        }
    }

    @Test
    void anItemThatFailsForGoodDeadLettersTheMutationAtItAndAReplayFromTheDlqFinishesItAsOneUnit(FullStack stack)
            throws Exception {
        namespace(stack, "mutate_dead", null);
        try (Connection db = stack.devstack().postgres().connect("mutate_dead");
                Statement s = db.createStatement()) {
            // Item 300 breaks a rule of the target's for now: a permanent failure (PG_23514).
            s.execute("ALTER TABLE orders ADD CONSTRAINT not_300"
                    + " CHECK (convert_from(payload, 'UTF8') NOT LIKE '%\"i\":300}%')");
        }
        String id = durableMutation(stack, "mutate_dead", body(items(), null));

        await().atMost(Duration.ofSeconds(60))
                .alias("mutation " + id + " DEAD_LETTERED")
                .until(() ->
                        status(stack, "mutate_dead", id).path("state").asText().equals("DEAD_LETTERED"));
        JsonNode region = status(stack, "mutate_dead", id).path("regions").get(0);
        assertThat(region.path("appliedCount").asInt())
                .as("the items before it stay applied")
                .isEqualTo(300);
        assertThat(region.path("failedItem").asInt()).isEqualTo(300);
        assertThat(region.path("errorCode").asText()).isEqualTo("PG_23514");
        assertThat(region.path("errorMessage").asText()).startsWith("at item 300 of 500 (key k100)");
        String base = stack.controllerUrl() + "/v1/namespaces/mutate_dead";
        await().atMost(Duration.ofSeconds(60))
                .alias("the marker in the dead-letter index")
                .until(() -> JSON.readTree(WalgateClient.get(base + "/dead-letters"))
                                .path("items")
                                .size()
                        == 1);
        assertThat(JSON.readTree(WalgateClient.get(base + "/dead-letters"))
                        .path("items")
                        .get(0)
                        .path("entryId")
                        .asText())
                .isEqualTo(id);

        try (Connection db = stack.devstack().postgres().connect("mutate_dead");
                Statement s = db.createStatement()) {
            s.execute("ALTER TABLE orders DROP CONSTRAINT not_300");
        }
        HttpResponse<String> replay = WalgateClient.send("POST", base + "/replays", "{\"ratePerSecond\":20}");
        assertThat(replay.statusCode()).as(replay.body()).isBetween(200, 202);

        awaitApplied(stack, "mutate_dead", id);
        assertEveryItemTookEffectOnce(stack, "mutate_dead");
    }

    @Test
    void eachRegionAppliesTheWholeMutationAndReportsItsOwnProgress(FullStack stack) throws Exception {
        String port = Integer.toString(stack.devstack().postgres().port());
        for (String region : List.of("local", "west")) {
            stack.devstack().postgres().createDatabase("mutate_" + region);
        }
        stack.client()
                .createNamespace("{\"name\":\"mutate_regions\",\"owner\":\"t\",\"backend\":{\"type\":\"kafka\"},"
                        + "\"target\":{\"type\":\"postgres\",\"regions\":{"
                        + "\"local\":{\"url\":\"postgresql://127.0.0.1:" + port + "/mutate_local?user=postgres\"},"
                        + "\"west\":{\"url\":\"postgresql://127.0.0.1:" + port + "/mutate_west?user=postgres\"}}}}");
        stack.client().awaitWritable("mutate_regions");
        List<String> items = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            items.add("{\"json\":{\"i\":" + i + "},\"target\":{\"key\":\"r" + i + "\"}}");
        }
        HttpResponse<String> r = mutate(stack, "mutate_regions", body(items, null));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        String id = JSON.readTree(r.body()).path("mutationId").asText();

        awaitApplied(stack, "mutate_regions", id);

        try (Connection gw = stack.devstack().postgres().connect(WalgateServices.GATEWAY_DATABASE);
                Statement s = gw.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT released_at IS NOT NULL FROM mutations WHERE mutation_id = '" + id + "'")) {
            rs.next();
            assertThat(rs.getBoolean(1))
                    .as("released once both regions applied it, at once or not")
                    .isTrue();
        }
        JsonNode regions = status(stack, "mutate_regions", id).path("regions");
        assertThat(regions).hasSize(2);
        for (JsonNode region : regions) {
            assertThat(region.path("state").asText()).isEqualTo("APPLIED");
            assertThat(region.path("appliedCount").asInt()).isEqualTo(50);
        }
        for (String region : List.of("local", "west")) {
            try (Connection db = stack.devstack().postgres().connect("mutate_" + region);
                    Statement s = db.createStatement();
                    ResultSet rows = s.executeQuery("SELECT count(*) FROM walgate_entries WHERE key LIKE 'r%'")) {
                rows.next();
                assertThat(rows.getInt(1)).as("rows in region " + region).isEqualTo(50);
            }
        }
    }

    @Test
    void badInputGetsItsOwnCodeAndStoresNothing(FullStack stack) throws Exception {
        namespace(stack, "mutate_bad", "{\"maxMutationItems\":10,\"maxMutationBytes\":1000}");
        String ok = "{\"json\":1,\"target\":{\"key\":\"a\",\"options\":{\"table\":\"accounts\"}}}";
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("{\"items\":[]}", "400 EMPTY_MUTATION");
        cases.put("{}", "400 EMPTY_MUTATION");
        cases.put(body(Collections.nCopies(11, ok), null), "413 MUTATION_TOO_LARGE");
        cases.put(
                body(
                        List.of("{\"payload\":\"" + Base64.getEncoder().encodeToString(new byte[1001])
                                + "\",\"target\":{\"key\":\"a\"}}"),
                        null),
                "413 MUTATION_TOO_LARGE");
        cases.put(
                body(List.of(ok, "{\"json\":1,\"target\":{\"key\":\"a\",\"options\":{\"ttl\":\"PT1M\"}}}"), null),
                "400 INVALID_TARGET");
        cases.put(
                body(List.of(ok, "{\"json\":1,\"target\":{\"key\":\"a\",\"options\":{\"table\":\"payroll\"}}}"), null),
                "403 TARGET_NOT_ALLOWED");
        cases.put(
                body(List.of(ok, "{\"json\":1,\"target\":{\"key\":\"a\",\"op\":\"DELETE\"}}"), null),
                "400 INVALID_PAYLOAD");
        cases.put(
                body(List.of("{\"json\":1,\"target\":{\"key\":\"a\"},\"lifecycle\":{\"delay\":\"PT1S\"}}"), null),
                "400 UNKNOWN_FIELD");
        cases.put(
                body(List.of(ok), null).replace("}]}", "}],\"lifecycle\":{\"delay\":\"P3650D\"}}"),
                "400 INVALID_LIFECYCLE");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            HttpResponse<String> r = mutate(stack, "mutate_bad", c.getKey());
            assertThat(r.statusCode() + " "
                            + JSON.readTree(r.body()).path("code").asText())
                    .as(c.getKey().length() > 300 ? c.getKey().substring(0, 300) : c.getKey())
                    .isEqualTo(c.getValue());
            assertThat(JSON.readTree(r.body()).path("durable").asText()).isEqualTo("FALSE");
        }
        HttpResponse<String> unknown = WalgateClient.send(
                "GET", stack.gatewayUrl() + "/v1/namespaces/mutate_bad/mutations/" + UUID.randomUUID(), null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).path("code").asText()).isEqualTo("MUTATION_NOT_FOUND");

        stack.client().postToController("/v1/namespaces/mutate_bad/pause");
        await().atMost(Duration.ofSeconds(30))
                .alias("a paused namespace refuses mutations")
                .until(() ->
                        mutate(stack, "mutate_bad", body(List.of(ok), null)).statusCode() == 409);
        assertThat(JSON.readTree(mutate(stack, "mutate_bad", body(List.of(ok), null))
                                .body())
                        .path("code")
                        .asText())
                .isEqualTo("NAMESPACE_PAUSED");

        try (Connection gw = stack.devstack().postgres().connect(WalgateServices.GATEWAY_DATABASE);
                Statement s = gw.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM mutations WHERE namespace = 'mutate_bad'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("nothing stored").isZero();
        }
    }

    /** Ends the backends of {@code database} that wait for a lock; how many. */
    private static int terminateLockWaiters(Connection admin, String database) throws SQLException {
        Set<Integer> ended = new HashSet<>();
        try (ResultSet rs = admin.createStatement()
                .executeQuery("SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database
                        + "' AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")) {
            while (rs.next()) {
                ended.add(rs.getInt(1));
            }
        }
        return ended.size();
    }
}
