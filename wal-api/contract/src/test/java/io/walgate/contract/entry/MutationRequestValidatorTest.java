package io.walgate.contract.entry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.walgate.contract.ErrorCode;
import io.walgate.contract.Violation;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.Limits;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.Specs;
import io.walgate.contract.namespace.TargetType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MutationRequestValidatorTest {
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    /** An HTTP target (entries may set only {@code path}), at most 3 items and 10 payload bytes. */
    private static final NamespaceSpec NS = Specs.minimal(
                    "orders", BackendType.KAFKA, TargetType.HTTP, "https://orders.internal")
            .withLimits(new Limits(null, null, null, 3, 10))
            .withDefaults();

    private static WriteRequest put(String key, String payload) {
        return new WriteRequest(
                "orders",
                null,
                payload.getBytes(StandardCharsets.UTF_8),
                new TargetOverride(key, TargetOp.PUT, Map.of()),
                null,
                null,
                Map.of(),
                null);
    }

    private static List<Violation> validate(List<WriteRequest> items) {
        return MutationRequestValidator.validate(new MutationRequest("orders", items, null, null, null), NS, NOW);
    }

    @Test
    void aMutationWithinItsLimitsIsValid() {
        assertThat(validate(List.of(put("a", "1"), put("b", "2"), put("a", "3"))))
                .isEmpty();
    }

    @Test
    void aMutationWithoutItemsIsEmpty() {
        assertThat(validate(List.of())).extracting(Violation::code).containsExactly(ErrorCode.EMPTY_MUTATION);
    }

    @Test
    void moreItemsThanTheNamespaceAllowsIsTooLarge() {
        List<Violation> violations = validate(List.of(put("a", ""), put("b", ""), put("c", ""), put("d", "")));
        assertThat(violations).extracting(Violation::code).containsExactly(ErrorCode.MUTATION_TOO_LARGE);
        assertThat(violations.get(0).message()).contains("4 items").contains("maxMutationItems of 3");
    }

    @Test
    void morePayloadBytesThanTheNamespaceAllowsIsTooLarge() {
        List<Violation> violations = validate(List.of(put("a", "123456"), put("b", "123456")));
        assertThat(violations).extracting(Violation::code).containsExactly(ErrorCode.MUTATION_TOO_LARGE);
        assertThat(violations.get(0).message()).contains("12 payload bytes").contains("maxMutationBytes of 10");
    }

    @Test
    void eachItemIsJudgedAsASingleWriteWithItsPathInTheMutation() {
        WriteRequest deleteWithPayload = new WriteRequest(
                "orders",
                null,
                "x".getBytes(StandardCharsets.UTF_8),
                new TargetOverride("a", TargetOp.DELETE, Map.of()),
                null,
                null,
                Map.of(),
                null);
        WriteRequest foreignOption = new WriteRequest(
                "orders",
                null,
                new byte[0],
                new TargetOverride("b", TargetOp.PUT, Map.of("table", "t")),
                null,
                null,
                Map.of(),
                null);
        List<Violation> violations = validate(List.of(put("ok", "1"), deleteWithPayload, foreignOption));
        assertThat(violations)
                .extracting(Violation::field, Violation::code)
                .containsExactly(
                        tuple("items[1].payload", ErrorCode.INVALID_PAYLOAD),
                        tuple("items[2].target.options.table", ErrorCode.INVALID_TARGET));
    }

    @Test
    void theMutationsOwnLifecycleKeyAndHeadersAreJudgedOnce() {
        MutationRequest request = new MutationRequest(
                "orders",
                List.of(put("a", "1")),
                Lifecycle.after(Duration.ofDays(3650)),
                "",
                Map.of("walgate-attempt", "1"));
        assertThat(MutationRequestValidator.validate(request, NS, NOW))
                .extracting(Violation::field, Violation::code)
                .containsExactly(
                        tuple("lifecycle.delay", ErrorCode.INVALID_LIFECYCLE),
                        tuple("idempotencyKey", ErrorCode.INVALID_KEY),
                        tuple("headers.walgate-attempt", ErrorCode.INVALID_HEADER),
                        // and each item carries the mutation's headers
                        tuple("items[0].headers.walgate-attempt", ErrorCode.INVALID_HEADER));
    }

    @Test
    void aMutationOfManyBadItemsReportsABoundedNumberOfViolations() {
        NamespaceSpec roomy =
                NS.withLimits(new Limits(null, null, null, 1000, 1_000_000)).withDefaults();
        List<WriteRequest> items = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            items.add(new WriteRequest(
                    "orders",
                    null,
                    "x".getBytes(StandardCharsets.UTF_8),
                    new TargetOverride("k", TargetOp.DELETE, Map.of()),
                    null,
                    null,
                    Map.of(),
                    null));
        }
        assertThat(MutationRequestValidator.validate(
                        new MutationRequest("orders", items, null, null, null), roomy, NOW))
                .hasSize(MutationRequestValidator.MAX_REPORTED);
    }

    @Test
    void anItemsOwnHeaderWinsOverTheMutationsOfTheSameName() {
        WriteRequest item =
                new WriteRequest("orders", null, new byte[0], null, "k", null, Map.of("source", "item"), null);
        MutationRequest request =
                new MutationRequest("orders", List.of(item), null, null, Map.of("source", "mutation", "batch", "7"));
        assertThat(MutationRequestValidator.item(request, 0).headers())
                .containsEntry("source", "item")
                .containsEntry("batch", "7");
    }
}
