package io.walgate.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.response.Response;
import io.walgate.contract.entry.Envelope;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What an attacker's test suite would send: every request is refused with a 4xx, as problem+json
 * with a code and {@code durable: FALSE}, and nothing reaches the log. Never a 500 (which says "we
 * do not know", and asks the client to retry what can never succeed), never an ack of a rewritten
 * value. Each row also carries a marker key, so that the log can be searched for anything written.
 */
@QuarkusTest
@QuarkusTestResource(GatewayDevstack.class)
@TestSecurity(user = "svc-orders")
class HostileWriteIT {
    private static final String KEY = "\"partitionKey\":\"hostile\"";
    private static final String OK = "\"payload\":\"aGk=\"," + KEY;
    private static final String MAX_SECONDS = "PT9223372036854775807S";

    static Stream<Arguments> hostileWrites() {
        List<Arguments> rows = new ArrayList<>();
        // Durations: overflow, numbers, wrong types, garbage.
        for (String delay : List.of(
                "\"" + MAX_SECONDS + "\"",
                "\"-" + MAX_SECONDS + "\"",
                "\"P106751991167300D\"",
                "1e400",
                "5",
                "-1",
                "true",
                "[]",
                "{}",
                "\"\"",
                "\"PT\"",
                "\"5 minutes\"")) {
            rows.add(row("delay " + delay, "orders", "{" + OK + ",\"lifecycle\":{\"delay\":" + delay + "}}"));
        }
        rows.add(row(
                "delay plus jitter overflows",
                "orders",
                "{" + OK + ",\"lifecycle\":{\"delay\":\"" + MAX_SECONDS + "\",\"jitter\":\"PT1S\"}}"));
        rows.add(row("jitter overflows", "orders", "{" + OK + ",\"lifecycle\":{\"jitter\":\"" + MAX_SECONDS + "\"}}"));
        rows.add(row("jitter 1e400", "orders", "{" + OK + ",\"lifecycle\":{\"jitter\":1e400}}"));
        // Instants: outside what the log can store, numbers, impossible dates.
        for (String at : List.of(
                "\"-1000000000-01-01T00:00:00Z\"",
                "\"+1000000000-12-31T23:59:59Z\"",
                "\"-0001-01-01T00:00:00Z\"",
                "\"+10000-01-01T00:00:00Z\"",
                "0",
                "1e400",
                "\"2026-13-01T00:00:00Z\"",
                "\"2026-02-30T00:00:00Z\"",
                "\"yesterday\"",
                "\"2026-12-02\"",
                "null1")) {
            rows.add(row("deliverAt " + at, "orders", "{" + OK + ",\"lifecycle\":{\"deliverAt\":" + at + "}}"));
        }
        rows.add(row(
                "deliverAt with jitter overflowing",
                "orders",
                "{" + OK + ",\"lifecycle\":{\"deliverAt\":\"2999-01-01T00:00:00Z\",\"jitter\":\"" + MAX_SECONDS
                        + "\"}}"));
        rows.add(row(
                "originalWriteTime far past",
                "orders",
                "{" + OK + ",\"lifecycle\":{\"originalWriteTime\":\"-999999999-01-01T00:00:00Z\"}}"));
        rows.add(row("lifecycle as a string", "orders", "{" + OK + ",\"lifecycle\":\"now\"}"));
        rows.add(row("lifecycle typo", "orders", "{" + OK + ",\"lifecycle\":{\"dealy\":\"PT1S\"}}"));
        // Target options (the Redis TTL that overflowed Duration.toMillis in the worker).
        for (String ttl : List.of(
                "\"P200000000000D\"",
                "\"" + MAX_SECONDS + "\"",
                "\"P36501D\"",
                "\"-PT1S\"",
                "\"PT0S\"",
                "null",
                "5",
                "\"forever\"")) {
            rows.add(row(
                    "ttl " + ttl,
                    "cache-keys",
                    "{" + OK + ",\"target\":{\"key\":\"k\",\"options\":{\"ttl\":" + ttl + "}}}"));
        }
        rows.add(row("option null value", "orders", "{" + OK + ",\"target\":{\"options\":{\"path\":null}}}"));
        rows.add(row("options not an object", "orders", "{" + OK + ",\"target\":{\"options\":[\"path\"]}}"));
        rows.add(row("op unknown", "orders", "{" + OK + ",\"target\":{\"op\":\"DEL\"}}"));
        rows.add(row("op a number", "orders", "{" + OK + ",\"target\":{\"op\":1}}"));
        // Headers.
        rows.add(row("header null value", "orders", "{" + OK + ",\"headers\":{\"a\":null}}"));
        rows.add(row("header number value", "orders", "{" + OK + ",\"headers\":{\"a\":1}}"));
        rows.add(row("header object value", "orders", "{" + OK + ",\"headers\":{\"a\":{\"b\":1}}}"));
        rows.add(row("header NUL in value", "orders", "{" + OK + ",\"headers\":{\"a\":\"x\\u0000y\"}}"));
        rows.add(row("header CRLF in value", "orders", "{" + OK + ",\"headers\":{\"a\":\"x\\r\\nInjected: 1\"}}"));
        rows.add(row("header name with NUL", "orders", "{" + OK + ",\"headers\":{\"a\\u0000\":\"1\"}}"));
        rows.add(row("header name empty", "orders", "{" + OK + ",\"headers\":{\"\":\"1\"}}"));
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 65; i++) {
            many.append(i == 0 ? "" : ",").append("\"h").append(i).append("\":\"v\"");
        }
        rows.add(row("65 headers", "orders", "{" + OK + ",\"headers\":{" + many + "}}"));
        rows.add(row(
                "headers over 16 KiB", "orders", "{" + OK + ",\"headers\":{\"big\":\"" + "v".repeat(17_000) + "\"}}"));
        // Keys.
        rows.add(row("partition key a number", "orders", "{\"payload\":\"aGk=\",\"partitionKey\":1}"));
        rows.add(row("partition key with NUL", "orders", "{\"payload\":\"aGk=\",\"partitionKey\":\"a\\u0000b\"}"));
        rows.add(row(
                "partition key over 1 KiB",
                "orders",
                "{\"payload\":\"aGk=\",\"partitionKey\":\"" + "k".repeat(1025) + "\"}"));
        rows.add(row("target key with newline", "orders", "{" + OK + ",\"target\":{\"key\":\"a\\nb\"}}"));
        rows.add(row("idempotency key empty", "orders", "{" + OK + ",\"idempotencyKey\":\"\"}"));
        rows.add(row("idempotency key with space", "orders", "{" + OK + ",\"idempotencyKey\":\"a b\"}"));
        rows.add(row("idempotency key not ASCII", "orders", "{" + OK + ",\"idempotencyKey\":\"ключ\"}"));
        rows.add(row("idempotency key a number", "orders", "{" + OK + ",\"idempotencyKey\":42}"));
        // Payloads.
        rows.add(row("payload a number", "orders", "{\"payload\":5," + KEY + "}"));
        rows.add(row("payload true", "orders", "{\"payload\":true," + KEY + "}"));
        rows.add(row("payload not base64", "orders", "{\"payload\":\"@@@\"," + KEY + "}"));
        rows.add(row("payload with a space", "orders", "{\"payload\":\"aG k=\"," + KEY + "}"));
        rows.add(row("payload and json", "orders", "{\"payload\":\"aGk=\",\"json\":1," + KEY + "}"));
        rows.add(row("json nested 2000 deep", "orders", "{\"json\":" + "[".repeat(2000) + "]".repeat(2000) + "}"));
        rows.add(row("content type a number", "orders", "{" + OK + ",\"contentType\":5}"));
        rows.add(
                row("content type too long", "orders", "{" + OK + ",\"contentType\":\"a/b;" + "x".repeat(300) + "\"}"));
        // JSON itself: one document, no duplicates, no tricks.
        rows.add(row("trailing garbage", "orders", "{" + OK + "}xyz"));
        rows.add(row("two objects", "orders", "{" + OK + "}{" + OK + "}"));
        rows.add(row("duplicate key", "orders", "{" + OK + ",\"payload\":\"aGk=\"}"));
        rows.add(row(
                "duplicate nested key",
                "orders",
                "{" + OK + ",\"lifecycle\":{\"delay\":\"PT1S\",\"delay\":\"PT2S\"}}"));
        rows.add(row("top-level array", "orders", "[{" + OK + "}]"));
        rows.add(row("top-level string", "orders", "\"hello\""));
        rows.add(row("top-level null", "orders", "null"));
        rows.add(row("top-level number", "orders", "42"));
        rows.add(row("unterminated string", "orders", "{\"payload\":\"aGk="));
        rows.add(row("single quotes", "orders", "{'payload':'aGk='}"));
        rows.add(row("comment", "orders", "{/* hi */" + OK + "}"));
        rows.add(row("NaN", "orders", "{" + OK + ",\"json\":NaN}"));
        rows.add(row("body is whitespace", "orders", "   \n "));
        rows.add(row("namespace field a number", "orders", "{" + OK + ",\"namespace\":7}"));
        rows.add(row("other namespace in the body", "orders", "{" + OK + ",\"namespace\":\"queue\"}"));
        // Paths.
        rows.add(row("namespace name of 300 characters", "n".repeat(300), "{" + OK + "}"));
        rows.add(row("namespace name with NUL", "orders%00", "{" + OK + "}"));
        rows.add(row("namespace name with unicode", "orders%E2%80%8B", "{" + OK + "}"));
        return rows.stream();
    }

    private static Arguments row(String what, String namespace, String body) {
        return Arguments.of(what, namespace, body.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileWrites")
    void aHostileWriteIsRefusedWithACodeAndWritesNothing(String what, String namespace, byte[] body) {
        assertRefused(post(namespace, body));
    }

    @Test
    void invalidUtf8IsRefusedNotReplacedWithU_FFFD() {
        byte[] body = "{\"json\":\"caf\u00e9\",\"partitionKey\":\"hostile\"}".getBytes(StandardCharsets.UTF_8);
        byte[] broken = new byte[body.length];
        System.arraycopy(body, 0, broken, 0, body.length);
        // é is C3 A9; C3 followed by '"' is not UTF-8.
        for (int i = 0; i < broken.length; i++) {
            if (broken[i] == (byte) 0xA9) {
                broken[i] = (byte) '"';
                break;
            }
        }
        Response response = post("orders", broken);
        assertRefused(response);
        assertThat(response.path("code").toString()).isEqualTo("MALFORMED_REQUEST");
    }

    @Test
    void aJsonPayloadIsStoredByteForByteNotReserialised() {
        String json =
                "{ \"n\": 1e999999, \"d\": 0.1000000000000000000000000000001,\n \"s\": \"caf\\u00e9\", \"a\": [1 , 2] }";
        String id = post(
                        "orders", ("{\"json\":" + json + ",\"partitionKey\":\"raw\"}").getBytes(StandardCharsets.UTF_8))
                .then()
                .statusCode(201)
                .extract()
                .path("entryId");
        Envelope e = LogReader.read("wal.orders", 1, x -> x.id().toString().equals(id))
                .get(0);
        assertThat(new String(e.payload(), StandardCharsets.UTF_8)).isEqualTo(json);
        assertThat(e.contentType()).isEqualTo("application/json");
    }

    @Test
    void aDeliverAtInThePastIsAcceptedAndDueAtOnce() {
        Instant before = Instant.now();
        String id = post(
                        "orders",
                        ("{" + OK.replace("hostile", "historic")
                                        + ",\"lifecycle\":{\"deliverAt\":\"1999-01-01T00:00:00Z\"}}")
                                .getBytes(StandardCharsets.UTF_8))
                .then()
                .statusCode(201)
                .extract()
                .path("entryId");
        Envelope e = LogReader.read("wal.orders", 1, x -> x.id().toString().equals(id))
                .get(0);
        // Due when accepted: a stored payload's retention counts from here, not from 1999.
        assertThat(e.deliverAt()).isEqualTo(e.acceptedAt()).isAfterOrEqualTo(before.minusSeconds(1));
    }

    @Test
    void noHostileWriteReachedTheLog() {
        // Every row above is keyed "hostile" (or names no namespace that exists); the rows run in
        // this class in any order, so look for their key across the whole topic.
        sendEveryHostileWrite();
        for (String topic : List.of("wal.orders", "wal.cache-keys")) {
            assertThat(LogReader.readAll(topic, e -> "hostile".equals(e.partitionKey())))
                    .as(topic)
                    .isEmpty();
        }
    }

    private static void sendEveryHostileWrite() {
        hostileWrites().forEach(args -> {
            Object[] a = args.get();
            assertRefused(post((String) a[1], (byte[]) a[2]));
        });
    }

    private static Response post(String namespace, byte[] body) {
        return given().contentType("application/json")
                .urlEncodingEnabled(false)
                .body(body)
                .post("/v1/namespaces/" + namespace + "/entries");
    }

    private static void assertRefused(Response response) {
        int status = response.statusCode();
        assertThat(status).as("status of %s", response.asString()).isBetween(400, 499);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.path("code").toString()).as("code").isNotBlank();
        assertThat(response.path("durable").toString()).isEqualTo("FALSE");
        assertThat(response.path("entryId") == null)
                .as("no entry id: nothing was issued")
                .isTrue();
    }
}
