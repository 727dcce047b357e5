package io.walgate.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ErrorCodeTest {
    /** Status.Code names, spelled out so a typo in the table fails here. */
    private static final Set<String> GRPC_CODES = Set.of(
            "CANCELLED",
            "UNKNOWN",
            "INVALID_ARGUMENT",
            "DEADLINE_EXCEEDED",
            "NOT_FOUND",
            "ALREADY_EXISTS",
            "PERMISSION_DENIED",
            "RESOURCE_EXHAUSTED",
            "FAILED_PRECONDITION",
            "ABORTED",
            "OUT_OF_RANGE",
            "UNIMPLEMENTED",
            "INTERNAL",
            "UNAVAILABLE",
            "DATA_LOSS",
            "UNAUTHENTICATED");

    @Test
    void codesPublishedOnTheWireAreNeverRenamedOrRemoved() {
        List<String> published = List.of(
                "MALFORMED_REQUEST",
                "UNKNOWN_FIELD",
                "MISSING_FIELD",
                "INVALID_DURATION",
                "INVALID_LIFECYCLE",
                "INVALID_PAYLOAD",
                "PAYLOAD_TOO_LARGE",
                "INVALID_KEY",
                "INVALID_HEADER",
                "INVALID_TARGET",
                "BATCH_TOO_LARGE",
                "NAMESPACE_NOT_FOUND",
                "NAMESPACE_PAUSED",
                "NAMESPACE_EXISTS",
                "RESOURCE_NAME_TAKEN",
                "NAMESPACE_NOT_DRAINED",
                "WRONG_SHARD",
                "VERSION_CONFLICT",
                "PRECONDITION_REQUIRED",
                "ENTRY_NOT_FOUND",
                "DEAD_LETTER_NOT_FOUND",
                "IDEMPOTENCY_KEY_REUSED",
                "IDEMPOTENCY_IN_PROGRESS",
                "INVALID_NAMESPACE_NAME",
                "INVALID_SHARD",
                "INVALID_OWNER",
                "INVALID_STATE",
                "INVALID_BACKEND",
                "INVALID_PARTITIONS",
                "INVALID_RESOURCE_NAME",
                "INVALID_MAX_DELAY",
                "INVALID_MAX_ATTEMPTS",
                "INVALID_BACKOFF",
                "INVALID_MULTIPLIER",
                "INVALID_TARGET_TYPE",
                "INVALID_REGION",
                "INVALID_TARGET_URL",
                "INVALID_PAYLOAD_LIMIT",
                "INVALID_RATE_LIMIT",
                "INVALID_DEDUP_WINDOW",
                "INVALID_ACCESS",
                "UNAUTHENTICATED",
                "FORBIDDEN",
                "IDENTITY_PROVIDER_UNAVAILABLE",
                "RATE_LIMITED",
                "OVERLOADED",
                "BACKEND_UNAVAILABLE",
                "BACKEND_TIMEOUT",
                "INTERNAL");
        assertThat(Arrays.stream(ErrorCode.values()).map(Enum::name)).containsAll(published);
    }

    @Test
    void everyCodeMapsToAnHttpErrorStatusAndARealGrpcCode() {
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(code.httpStatus()).as(code.name()).isBetween(400, 599);
            assertThat(GRPC_CODES).as(code.name()).contains(code.grpcStatus());
        }
    }

    @Test
    void onlyOurOwnBugsAreA500() {
        assertThat(Arrays.stream(ErrorCode.values()).filter(c -> c.httpStatus() == 500))
                .containsExactly(ErrorCode.INTERNAL);
    }

    @Test
    void aValidationFailureKeepsEveryViolationAndNeverClaimsTheWriteHappened() {
        WalException e = WalException.invalid(List.of(
                new Violation("lifecycle.delay", ErrorCode.INVALID_LIFECYCLE, "must not be negative"),
                new Violation("payload", ErrorCode.PAYLOAD_TOO_LARGE, "too big")));
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_LIFECYCLE);
        assertThat(e.durability()).isEqualTo(Durability.FALSE);
        assertThat(e.violations()).hasSize(2);
        assertThat(e.getMessage()).contains("lifecycle.delay").contains("1 more");
        assertThatThrownBy(() -> WalException.invalid(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
