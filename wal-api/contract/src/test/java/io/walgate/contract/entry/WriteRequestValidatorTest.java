package io.walgate.contract.entry;

import static org.assertj.core.api.Assertions.assertThat;

import io.walgate.contract.ErrorCode;
import io.walgate.contract.Violation;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.Specs;
import io.walgate.contract.namespace.TargetType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WriteRequestValidatorTest {
    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
    /** An HTTP target: keys are optional. maxDelay P7D, maxPayloadBytes 1 MiB. */
    private static final NamespaceSpec HTTP_NS = Specs.minimal(
                    "orders", BackendType.KAFKA, TargetType.HTTP, "https://orders.internal")
            .withDefaults();

    private static final NamespaceSpec REDIS_NS = Specs.full().withDefaults();

    private static WriteRequest request(Lifecycle lifecycle, byte[] payload, TargetOverride target) {
        return new WriteRequest("orders", lifecycle, payload, target, "order-42", null, Map.of(), null);
    }

    private static List<Violation> validate(WriteRequest request) {
        return WriteRequestValidator.validate(request, HTTP_NS, NOW);
    }

    private static void assertOnly(List<Violation> violations, String field, ErrorCode code) {
        assertThat(violations).as("violations").hasSize(1);
        assertThat(violations.get(0).field()).isEqualTo(field);
        assertThat(violations.get(0).code()).isEqualTo(code);
    }

    @Test
    void aPlainWriteWithADelayIsValid() {
        WriteRequest ok = new WriteRequest(
                "orders",
                new Lifecycle(Duration.ofSeconds(30), null, Duration.ofSeconds(5), NOW.minusSeconds(1)),
                "hello".getBytes(StandardCharsets.UTF_8),
                new TargetOverride("order-42", TargetOp.PUT, Map.of("path", "/orders/42")),
                "order-42",
                "c0ffee",
                Map.of("source", "checkout"),
                "application/json");
        assertThat(validate(ok)).isEmpty();
    }

    @Test
    void delayAndDeliverAtTogetherAreRefused() {
        assertOnly(
                validate(request(new Lifecycle(Duration.ofSeconds(1), NOW.plusSeconds(5), null, null), null, null)),
                "lifecycle",
                ErrorCode.INVALID_LIFECYCLE);
    }

    @Test
    void aNegativeDelayIsRefused() {
        assertOnly(
                validate(request(Lifecycle.after(Duration.ofSeconds(-1)), null, null)),
                "lifecycle.delay",
                ErrorCode.INVALID_LIFECYCLE);
    }

    @Test
    void aDelayLongerThanTheNamespacesMaxDelayIsRefused() {
        assertOnly(
                validate(request(Lifecycle.after(Duration.ofDays(7).plusSeconds(1)), null, null)),
                "lifecycle.delay",
                ErrorCode.INVALID_LIFECYCLE);
        assertThat(validate(request(Lifecycle.after(Duration.ofDays(7)), null, null)))
                .isEmpty();
    }

    @Test
    void aDeliverAtBeyondMaxDelayIsRefusedButOneInThePastIsDueAtOnce() {
        assertOnly(
                validate(request(new Lifecycle(null, NOW.plus(Duration.ofDays(8)), null, null), null, null)),
                "lifecycle.deliverAt",
                ErrorCode.INVALID_LIFECYCLE);
        assertThat(validate(request(new Lifecycle(null, NOW.minusSeconds(3600), null, null), null, null)))
                .isEmpty();
    }

    @Test
    void jitterMayNotBeNegativeNorPushTheWaitPastMaxDelay() {
        assertOnly(
                validate(request(new Lifecycle(null, null, Duration.ofSeconds(-1), null), null, null)),
                "lifecycle.jitter",
                ErrorCode.INVALID_LIFECYCLE);
        assertOnly(
                validate(request(new Lifecycle(Duration.ofDays(7), null, Duration.ofSeconds(1), null), null, null)),
                "lifecycle.delay",
                ErrorCode.INVALID_LIFECYCLE);
    }

    @Test
    void aPayloadOverTheNamespaceLimitIsTooLargeAndOneAtTheLimitIsNot() {
        int max = HTTP_NS.limits().maxPayloadBytes();
        assertOnly(validate(request(null, new byte[max + 1], null)), "payload", ErrorCode.PAYLOAD_TOO_LARGE);
        assertThat(validate(request(null, new byte[max], null))).isEmpty();
    }

    @Test
    void aDeleteCarriesNoPayloadAndNeedsAKey() {
        TargetOverride delete = new TargetOverride(null, TargetOp.DELETE, null);
        assertOnly(validate(request(null, new byte[] {1}, delete)), "payload", ErrorCode.INVALID_PAYLOAD);
        WriteRequest keyless = new WriteRequest("orders", null, null, delete, null, null, null, null);
        assertOnly(validate(keyless), "target.key", ErrorCode.INVALID_KEY);
    }

    @Test
    void aKeyedTargetNeedsAKeyEvenForAPut() {
        WriteRequest keyless = new WriteRequest("evcache_profiles", null, new byte[] {1}, null, null, null, null, null);
        assertOnly(WriteRequestValidator.validate(keyless, REDIS_NS, NOW), "target.key", ErrorCode.INVALID_KEY);
        assertThat(validate(keyless)).as("an HTTP target takes keyless entries").isEmpty();
    }

    @Test
    void keysAreBoundedInSizeAndPrintable() {
        String tooLong = "k".repeat(WriteRequestValidator.MAX_KEY_BYTES + 1);
        assertOnly(
                validate(new WriteRequest("orders", null, null, null, tooLong, null, null, null)),
                "partitionKey",
                ErrorCode.INVALID_KEY);
        assertOnly(
                validate(request(null, null, new TargetOverride("a\nb", TargetOp.PUT, null))),
                "target.key",
                ErrorCode.INVALID_KEY);
        // Multi-byte characters count by their UTF-8 size.
        String wide = "é".repeat(WriteRequestValidator.MAX_KEY_BYTES / 2 + 1);
        assertOnly(
                validate(new WriteRequest("orders", null, null, null, wide, null, null, null)),
                "partitionKey",
                ErrorCode.INVALID_KEY);
    }

    @Test
    void anIdempotencyKeyIsOneTo256PrintableAsciiCharacters() {
        for (String bad : List.of("", "x".repeat(257), "has space", "ünïcode")) {
            assertOnly(
                    validate(new WriteRequest("orders", null, null, null, "k", bad, null, null)),
                    "idempotencyKey",
                    ErrorCode.INVALID_KEY);
        }
        assertThat(validate(new WriteRequest("orders", null, null, null, "k", "x".repeat(256), null, null)))
                .isEmpty();
    }

    @Test
    void reservedMalformedOrOversizedHeadersAreRefused() {
        assertOnly(
                validate(withHeaders(Map.of("walgate-attempt", "1"))),
                "headers.walgate-attempt",
                ErrorCode.INVALID_HEADER);
        assertOnly(
                validate(withHeaders(Map.of("Walgate-Attempt", "1"))),
                "headers.Walgate-Attempt",
                ErrorCode.INVALID_HEADER);
        assertOnly(validate(withHeaders(Map.of("bad header", "1"))), "headers.bad header", ErrorCode.INVALID_HEADER);
        assertOnly(validate(withHeaders(Map.of("trace", "a\u0000b"))), "headers.trace", ErrorCode.INVALID_HEADER);

        Map<String, String> many = new HashMap<>();
        for (int i = 0; i <= WriteRequestValidator.MAX_HEADERS; i++) {
            many.put("h" + i, "v");
        }
        assertOnly(validate(withHeaders(many)), "headers", ErrorCode.INVALID_HEADER);
        assertOnly(
                validate(withHeaders(Map.of("big", "v".repeat(WriteRequestValidator.MAX_HEADER_BYTES)))),
                "headers",
                ErrorCode.INVALID_HEADER);
    }

    @Test
    void anEntryMaySetOnlyTheOptionsItsTargetTypeAllows() {
        assertOnly(
                validate(request(null, null, new TargetOverride("k", TargetOp.PUT, Map.of("table", "users")))),
                "target.options.table",
                ErrorCode.INVALID_TARGET);
        WriteRequest ttl = new WriteRequest(
                "evcache_profiles",
                null,
                new byte[] {1},
                new TargetOverride("k", TargetOp.PUT, Map.of("ttl", "PT1H")),
                null,
                null,
                null,
                null);
        assertThat(WriteRequestValidator.validate(ttl, REDIS_NS, NOW)).isEmpty();
    }

    @Test
    void anHttpPathOrKeyThatWouldAddressAnotherResourceIsRefused() {
        for (String path : List.of("..", "orders/../admin", "./orders", "orders//items")) {
            assertOnly(
                    validate(request(null, null, new TargetOverride("k", TargetOp.PUT, Map.of("path", path)))),
                    "target.options.path",
                    ErrorCode.INVALID_TARGET);
        }
        assertOnly(
                validate(request(null, null, new TargetOverride("k", TargetOp.PUT, Map.of("path", "caf%C3%A9")))),
                "target.options.path",
                ErrorCode.INVALID_TARGET);
        // A key is one segment, sent encoded; but a proxy that decodes %2F or %5C, then resolves
        // dot-segments, would climb out of the collection.
        for (String key : List.of("..", ".", "x/../..", "..\\admin", "\u2025")) {
            assertOnly(
                    validate(request(null, null, new TargetOverride(key, TargetOp.DELETE, Map.of()))),
                    "target.key",
                    ErrorCode.INVALID_KEY);
        }
        assertOnly(
                validate(new WriteRequest(
                        "orders",
                        null,
                        new byte[0],
                        new TargetOverride(null, TargetOp.DELETE, Map.of()),
                        "..",
                        null,
                        Map.of(),
                        null)),
                "partitionKey",
                ErrorCode.INVALID_KEY);
        // Anything else is sent percent-encoded, segment by segment: it stays in its own segment.
        for (String path : List.of("orders", "/orders/v1/", "a?b#c", "", "/", "a..b")) {
            assertThat(validate(request(null, null, new TargetOverride("k/v.1", TargetOp.PUT, Map.of("path", path)))))
                    .as(path)
                    .isEmpty();
        }
        assertThat(WriteRequestValidator.validate(
                        request(null, null, new TargetOverride("..", TargetOp.PUT, Map.of())), REDIS_NS, NOW))
                .as("a Redis key is no path")
                .isEmpty();
    }

    @Test
    void aWalTargetsNamespaceOptionMustBeANamespaceName() {
        NamespaceSpec wal = Specs.minimal("mirror", BackendType.KAFKA, TargetType.WAL, "https://walgate.eu.internal")
                .withDefaults();
        for (String name : List.of("..", "orders/../admin", "Orders", "")) {
            assertOnly(
                    WriteRequestValidator.validate(
                            request(null, null, new TargetOverride("k", TargetOp.PUT, Map.of("namespace", name))),
                            wal,
                            NOW),
                    "target.options.namespace",
                    ErrorCode.INVALID_TARGET);
        }
        assertThat(WriteRequestValidator.validate(
                        request(null, null, new TargetOverride("k", TargetOp.PUT, Map.of("namespace", "orders-eu"))),
                        wal,
                        NOW))
                .isEmpty();
    }

    @Test
    void aRedisTtlMustBeAPositiveIsoDuration() {
        WriteRequest garbled = new WriteRequest(
                "evcache_profiles",
                null,
                null,
                new TargetOverride("k", TargetOp.PUT, Map.of("ttl", "1 hour")),
                null,
                null,
                null,
                null);
        assertOnly(
                WriteRequestValidator.validate(garbled, REDIS_NS, NOW),
                "target.options.ttl",
                ErrorCode.INVALID_DURATION);
        WriteRequest zero = new WriteRequest(
                "evcache_profiles",
                null,
                null,
                new TargetOverride("k", TargetOp.PUT, Map.of("ttl", "PT0S")),
                null,
                null,
                null,
                null);
        assertOnly(WriteRequestValidator.validate(zero, REDIS_NS, NOW), "target.options.ttl", ErrorCode.INVALID_TARGET);
    }

    @Test
    void theContentTypeMustBeAMimeType() {
        WriteRequest bad = new WriteRequest("orders", null, null, null, "k", null, null, "json");
        assertOnly(validate(bad), "contentType", ErrorCode.INVALID_HEADER);
        WriteRequest good =
                new WriteRequest("orders", null, null, null, "k", null, null, "application/json; charset=utf-8");
        assertThat(validate(good)).isEmpty();
    }

    @Test
    void severalMistakesAreAllReported() {
        WriteRequest bad = new WriteRequest(
                "orders",
                Lifecycle.after(Duration.ofSeconds(-5)),
                new byte[HTTP_NS.limits().maxPayloadBytes() + 1],
                null,
                null,
                "",
                Map.of("walgate-x", "1"),
                null);
        assertThat(validate(bad))
                .extracting(Violation::code)
                .containsExactly(
                        ErrorCode.INVALID_LIFECYCLE,
                        ErrorCode.PAYLOAD_TOO_LARGE,
                        ErrorCode.INVALID_KEY,
                        ErrorCode.INVALID_HEADER);
    }

    @Test
    void aTtlWhoseMillisecondsOverflowIsRefusedNotStoredForTheWorkerToTripOn() {
        WriteRequest huge = new WriteRequest(
                "evcache_profiles",
                null,
                null,
                new TargetOverride("k", TargetOp.PUT, Map.of("ttl", "P200000000000D")),
                null,
                null,
                null,
                null);
        assertOnly(WriteRequestValidator.validate(huge, REDIS_NS, NOW), "target.options.ttl", ErrorCode.INVALID_TARGET);
    }

    @Test
    void extremeDurationsAndInstantsAreRefusedWithoutArithmeticOverflow() {
        Duration max = Duration.ofSeconds(Long.MAX_VALUE);
        Instant far = Instant.parse("-1000000000-01-01T00:00:00Z");
        List<Lifecycle> extremes = List.of(
                new Lifecycle(max, null, Duration.ofSeconds(1), null),
                new Lifecycle(Duration.ofSeconds(1), null, max, null),
                new Lifecycle(max, null, max, null),
                new Lifecycle(null, far, null, null),
                new Lifecycle(null, Instant.MAX, Duration.ofSeconds(1), null),
                new Lifecycle(null, Instant.MIN, null, null),
                new Lifecycle(null, null, null, Instant.MAX),
                new Lifecycle(null, null, null, far),
                new Lifecycle(null, null, max, null));
        for (Lifecycle lifecycle : extremes) {
            List<Violation> violations = validate(request(lifecycle, null, null));
            assertThat(violations).as(lifecycle.toString()).isNotEmpty();
            assertThat(violations).as(lifecycle.toString()).allMatch(v -> v.code() == ErrorCode.INVALID_LIFECYCLE);
        }
    }

    @Test
    void aDeliverAtInThePastIsValidAndDueTheMomentItIsAccepted() {
        Lifecycle historical = new Lifecycle(null, Instant.parse("1999-01-01T00:00:00Z"), null, null);
        assertThat(validate(request(historical, null, null))).isEmpty();
        assertThat(historical.dueAt(NOW, new Random(1))).isEqualTo(NOW);
    }

    private static WriteRequest withHeaders(Map<String, String> headers) {
        return new WriteRequest("orders", null, null, null, "k", null, headers, null);
    }
}
