package io.walgate.controller;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Long polls of the change feed while namespaces change: every poll a change wakes is answered
 * with that change, never with a 500, and every reader sees every change once, in order.
 */
@QuarkusTest
@QuarkusTestResource(ControllerDevstack.class)
@TestSecurity(user = "alice", roles = "walgate-admin")
class ChangeFeedUnderChangeIT {
    private static final int READERS = 4;

    @Test
    void concurrentLongPollsAreWokenByCreatesPausesResumesAndDeletesAndAllAnswer200() throws Exception {
        long start = latestVersion();
        List<Reader> readers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(READERS);
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < READERS; i++) {
            Reader reader = new Reader(start);
            readers.add(reader);
            running.add(pool.submit(reader));
        }
        List<String> expected = new ArrayList<>();
        try {
            String suffix = Long.toString(System.nanoTime() % 1_000_000, 36);
            for (int i = 0; i < 3; i++) {
                String name = "feed-under-change-" + i + "-" + suffix;
                Map<String, Object> spec = i % 2 == 0 ? Specs.sqs(name) : Specs.kafka(name, 1);
                step(
                        readers,
                        expected,
                        name + ":CREATED",
                        () -> given().contentType(ContentType.JSON).body(spec).post("/v1/namespaces"));
                step(readers, expected, name + ":PAUSED", () -> given().post("/v1/namespaces/" + name + "/pause"));
                step(readers, expected, name + ":RESUMED", () -> given().post("/v1/namespaces/" + name + "/resume"));
                step(readers, expected, name + ":DELETED", () -> given().delete("/v1/namespaces/" + name));
            }
        } finally {
            readers.forEach(r -> r.stop = true);
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        for (Future<?> f : running) {
            f.get(); // a reader that threw fails the test here
        }
        for (Reader reader : readers) {
            assertThat(reader.statuses).as("every long poll is answered 200").containsOnly(200);
            assertThat(reader.ours()).containsExactlyElementsOf(expected);
            for (int i = 0; i < reader.versions.size(); i++) {
                assertThat(reader.versions.get(i))
                        .as("each version once, in order, none skipped")
                        .isEqualTo(start + 1 + i);
            }
        }
    }

    @Test
    void aLongPollThatNothingWakesAnswersEmptyAfterItsWait() {
        long latest = latestVersion();
        JsonPath page = given().queryParam("after", latest)
                .queryParam("wait", "PT2S")
                .get("/v1/namespaces/changes")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(page.getList("changes")).isEmpty();
        assertThat(page.getLong("lastVersion")).isEqualTo(latest);
    }

    /** Makes one change and waits until every reader has seen it, so the next one meets waiting polls. */
    private static void step(List<Reader> readers, List<String> expected, String change, Supplier<Response> call) {
        int status = call.get().statusCode();
        assertThat(status).as(change).isBetween(200, 299);
        expected.add(change);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> readers.stream().allMatch(r -> r.ours().contains(change)));
    }

    private static long latestVersion() {
        long after = 0;
        while (true) {
            JsonPath page = given().queryParam("after", after)
                    .queryParam("limit", 5000)
                    .get("/v1/namespaces/changes")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            if (page.getList("changes").isEmpty()) {
                return after;
            }
            after = page.getLong("lastVersion");
        }
    }

    /** A gateway-like follower: long-polls in a loop and remembers every answer. */
    private static final class Reader implements Runnable {
        final List<Integer> statuses = Collections.synchronizedList(new ArrayList<>());
        final List<Long> versions = Collections.synchronizedList(new ArrayList<>());
        private final List<String> seen = Collections.synchronizedList(new ArrayList<>());
        volatile boolean stop;
        private long after;

        Reader(long after) {
            this.after = after;
        }

        List<String> ours() {
            synchronized (seen) {
                return seen.stream()
                        .filter(s -> s.startsWith("feed-under-change-"))
                        .toList();
            }
        }

        @Override
        public void run() {
            while (!stop) {
                Response response = given().queryParam("after", after)
                        .queryParam("wait", "PT5S")
                        .get("/v1/namespaces/changes");
                statuses.add(response.statusCode());
                if (response.statusCode() != 200) {
                    continue; // as a gateway does: ask again
                }
                JsonPath page = response.jsonPath();
                for (Map<String, Object> c : page.<Map<String, Object>>getList("changes")) {
                    versions.add(((Number) c.get("version")).longValue());
                    seen.add(c.get("name") + ":" + c.get("kind"));
                }
                after = page.getLong("lastVersion");
            }
        }
    }
}
