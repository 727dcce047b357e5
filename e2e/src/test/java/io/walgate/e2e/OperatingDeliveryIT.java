package io.walgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.RedisClient;

/** What an operator sees and does while entries are delivered: metrics, pause and resume, a broken target. */
@ExtendWith(FullStackExtension.class)
class OperatingDeliveryIT {
    private static FullStack stack;
    private static WalgateClient walgate;

    @BeforeAll
    static void operated(FullStack fullStack) throws Exception {
        stack = fullStack;
        walgate = stack.client();
        walgate.createNamespace("{\"name\":\"operated\",\"owner\":\"t\","
                + "\"backend\":{\"type\":\"kafka\",\"partitions\":3},"
                + "\"target\":{\"type\":\"redis\",\"regions\":{\"local\":{\"url\":\""
                + stack.redisUrl(6)
                + "\"}}}}");
        walgate.awaitWritable("operated");
    }

    @Test
    void appliesAndTheirLatenessAreCountedPerNamespace() throws Exception {
        walgate.write("operated", "metrics-key", "1");
        try (RedisClient redis = stack.redis(6)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> "1".equals(redis.get("metrics-key")));
        }
        String metrics = WalgateClient.get(stack.worker().endpoint() + "/q/metrics");
        assertThat(metrics)
                .containsPattern(
                        "walgate_delivery_apply_seconds_count\\{[^}]*namespace=\"operated\"[^}]*outcome=\"applied\"")
                .containsPattern("walgate_delivery_lateness_seconds_bucket\\{[^}]*namespace=\"operated\"")
                .containsPattern("walgate_delivery_dead_letters\\{[^}]*namespace=\"operated\"[^}]*\\} 0.0")
                .containsPattern("walgate_delivery_lag_entries\\{[^}]*namespace=\"operated\"");
    }

    @Test
    void pauseStopsDeliveryAndResumeContinuesIt() throws Exception {
        HttpResponse<String> delayed = walgate.writeRaw(
                "operated", "{\"json\":\"later\",\"partitionKey\":\"paused-key\",\"lifecycle\":{\"delay\":\"PT3S\"}}");
        assertThat(delayed.statusCode()).isEqualTo(201);
        assertThat(walgate.postToController("/v1/namespaces/operated/pause").statusCode())
                .isEqualTo(200);

        try (RedisClient redis = stack.redis(6)) {
            // Well past the entry's due time, it is still not there.
            await().during(Duration.ofSeconds(7))
                    .atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(redis.get("paused-key"))
                            .as("not delivered while paused")
                            .isNull());

            assertThat(walgate.postToController("/v1/namespaces/operated/resume")
                            .statusCode())
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(60)).until(() -> "\"later\"".equals(redis.get("paused-key")));
        }
    }

    @Test
    void aNamespaceWhoseDeliveryCannotStartDoesNotStopTheOthers() throws Exception {
        // Valid for the controller, but the worker cannot build a producer for it.
        walgate.createNamespace(
                "{\"name\":\"broken-target\",\"owner\":\"t\",\"backend\":{\"type\":\"kafka\",\"partitions\":1},"
                        + "\"target\":{\"type\":\"kafka\",\"regions\":{\"local\":{\"url\":\"kafka://no-such-host.invalid:9092\","
                        + "\"options\":{\"topic\":\"x\"}}}}}");
        String url = stack.redisUrl(5);
        walgate.createNamespace(
                "{\"name\":\"after-broken\",\"owner\":\"t\",\"backend\":{\"type\":\"kafka\",\"partitions\":1},"
                        + "\"target\":{\"type\":\"redis\",\"regions\":{\"local\":{\"url\":\"" + url + "\"}}}}");
        walgate.awaitWritable("after-broken");
        walgate.writeBatch("after-broken", List.of("{\"json\":\"fine\",\"partitionKey\":\"still\"}"));
        try (RedisClient r = stack.redis(5)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> "\"fine\"".equals(r.get("still")));
        }
        // …and the broken one is not silently dropped: the operator is told, and it is retried.
        assertThat(Files.readString(stack.worker().logFile()))
                .contains("cannot deliver namespace broken-target in region local; trying again in 30 s");
    }
}
