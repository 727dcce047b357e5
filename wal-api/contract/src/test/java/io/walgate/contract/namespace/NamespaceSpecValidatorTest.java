package io.walgate.contract.namespace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.walgate.contract.ErrorCode;
import io.walgate.contract.Violation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NamespaceSpecValidatorTest {
    /** SQS namespaces have one region; the base spec has more. */
    private static final TargetSpec ONE_REGION =
            new TargetSpec(TargetType.REDIS, Map.of("local", new RegionTarget("redis://127.0.0.1:6380", null)));

    @Test
    void theDesignBriefsExampleIsValid() {
        assertThat(NamespaceSpecValidator.validate(Specs.full())).isEmpty();
    }

    @Test
    void aMinimalSpecIsValidAndGetsEveryDocumentedDefault() {
        NamespaceSpec spec = Specs.minimal("orders", BackendType.KAFKA, TargetType.HTTP, "https://orders.internal");
        assertThat(NamespaceSpecValidator.validate(spec)).isEmpty();

        NamespaceSpec d = spec.withDefaults();
        assertThat(d.shard()).isEqualTo("default");
        assertThat(d.state()).isEqualTo(NamespaceState.ACTIVE);
        assertThat(d.backend()).isEqualTo(new BackendSpec(BackendType.KAFKA, "wal.orders", 12));
        assertThat(d.delivery()).isEqualTo(new DeliverySpec(Ordering.NONE, Duration.ofDays(7)));
        assertThat(d.retry()).isEqualTo(new RetryPolicy(8, Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5), 0.2));
        assertThat(d.limits()).isEqualTo(new Limits(1024 * 1024, 5000, Duration.ofHours(24), 1000, 16 * 1024 * 1024));
        assertThat(d.access()).isEqualTo(AccessSpec.none());
    }

    @Test
    void mutationLimitsOutOfRangeAreRefusedWithTheirField() {
        NamespaceSpec spec = Specs.minimal("orders", BackendType.KAFKA, TargetType.HTTP, "https://orders.internal")
                .withLimits(new Limits(null, null, null, 0, Limits.MAX_MAX_MUTATION_BYTES + 1));
        assertThat(NamespaceSpecValidator.validate(spec))
                .extracting(Violation::field, Violation::code)
                .containsExactly(
                        tuple("limits.maxMutationItems", ErrorCode.INVALID_MUTATION_LIMIT),
                        tuple("limits.maxMutationBytes", ErrorCode.INVALID_MUTATION_LIMIT));
    }

    @Test
    void onlyAWalTargetReadsANamespaceFromItsRegionOptions() {
        NamespaceSpec spec = Specs.minimal("orders", BackendType.KAFKA, TargetType.HTTP, "https://orders.internal")
                .withTarget(new TargetSpec(
                        TargetType.POSTGRES,
                        Map.of("local", new RegionTarget("postgresql://db:5432/app", Map.of("namespace", "Public")))));
        assertThat(NamespaceSpecValidator.validate(spec)).isEmpty();
    }

    @Test
    void anSqsNamespaceGetsAQueueNameAndNoPartitions() {
        NamespaceSpec spec = Specs.minimal("orders", BackendType.SQS, TargetType.REDIS, "redis://127.0.0.1:6380");
        assertThat(NamespaceSpecValidator.validate(spec)).isEmpty();
        assertThat(spec.withDefaults().backend()).isEqualTo(new BackendSpec(BackendType.SQS, "wal-orders", null));
    }

    @Test
    void theLongestNameStillYieldsLegalQueueAndDeadLetterNames() {
        String name = "n".repeat(64);
        NamespaceSpec spec = Specs.minimal(name, BackendType.SQS, TargetType.REDIS, "redis://h:1");
        assertThat(NamespaceSpecValidator.validate(spec)).isEmpty();
        String queue = spec.withDefaults().backend().topic();
        assertThat(ResourceNames.deadLetterName(BackendType.SQS, queue)).hasSizeLessThanOrEqualTo(80);
    }

    @Test
    void everyBrokenRuleIsReportedInOneGoNotJustTheFirst() {
        NamespaceSpec spec =
                new NamespaceSpec("Bad Name", null, " ", null, null, null, null, null, new Limits(0, null, null), null);
        assertThat(NamespaceSpecValidator.validate(spec))
                .extracting(Violation::field)
                .containsExactly("name", "owner", "backend.type", "target.type", "limits.maxPayloadBytes");
    }

    static Stream<Arguments> brokenSpecs() {
        return Stream.of(
                bad("name", ErrorCode.INVALID_NAMESPACE_NAME, s -> with(s, "Orders", s.shard(), s.owner())),
                bad("name", ErrorCode.INVALID_NAMESPACE_NAME, s -> with(s, "-orders", s.shard(), s.owner())),
                bad("name", ErrorCode.INVALID_NAMESPACE_NAME, s -> with(s, "o".repeat(65), s.shard(), s.owner())),
                bad("name", ErrorCode.INVALID_NAMESPACE_NAME, s -> with(s, "orders.v2", s.shard(), s.owner())),
                bad("name", ErrorCode.INVALID_NAMESPACE_NAME, s -> with(s, null, s.shard(), s.owner())),
                bad("name", ErrorCode.INVALID_NAMESPACE_NAME, s -> with(s, "changes", s.shard(), s.owner())),
                bad("shard", ErrorCode.INVALID_SHARD, s -> with(s, s.name(), "Cache Shard", s.owner())),
                bad("owner", ErrorCode.INVALID_OWNER, s -> with(s, s.name(), s.shard(), "")),
                bad("owner", ErrorCode.INVALID_OWNER, s -> with(s, s.name(), s.shard(), "x".repeat(129))),
                bad("state", ErrorCode.INVALID_STATE, s -> s.withState(NamespaceState.DELETED)),
                bad("backend.type", ErrorCode.INVALID_BACKEND, s -> s.withBackend(null)),
                bad("backend.type", ErrorCode.INVALID_BACKEND, s -> s.withBackend(new BackendSpec(null, "t", 1))),
                bad(
                        "backend.partitions",
                        ErrorCode.INVALID_PARTITIONS,
                        s -> s.withBackend(new BackendSpec(BackendType.KAFKA, null, 0))),
                bad(
                        "backend.partitions",
                        ErrorCode.INVALID_PARTITIONS,
                        s -> s.withBackend(new BackendSpec(BackendType.KAFKA, null, 1001))),
                bad(
                        "backend.partitions",
                        ErrorCode.INVALID_PARTITIONS,
                        s -> s.withBackend(new BackendSpec(BackendType.SQS, null, 4))
                                .withTarget(ONE_REGION)),
                bad(
                        "backend.topic",
                        ErrorCode.INVALID_RESOURCE_NAME,
                        s -> s.withBackend(new BackendSpec(BackendType.KAFKA, "wal/orders", 3))),
                bad(
                        "backend.topic",
                        ErrorCode.INVALID_RESOURCE_NAME,
                        s -> s.withBackend(new BackendSpec(BackendType.SQS, "wal.orders", null))
                                .withTarget(ONE_REGION)),
                bad(
                        "delivery.maxDelay",
                        ErrorCode.INVALID_MAX_DELAY,
                        s -> s.withDelivery(new DeliverySpec(null, Duration.ofSeconds(-1)))),
                bad(
                        "delivery.maxDelay",
                        ErrorCode.INVALID_MAX_DELAY,
                        s -> s.withDelivery(new DeliverySpec(null, Duration.ofDays(31)))),
                bad(
                        "retry.maxAttempts",
                        ErrorCode.INVALID_MAX_ATTEMPTS,
                        s -> s.withRetry(new RetryPolicy(0, null, null, null))),
                bad(
                        "retry.maxAttempts",
                        ErrorCode.INVALID_MAX_ATTEMPTS,
                        s -> s.withRetry(new RetryPolicy(101, null, null, null))),
                bad(
                        "retry.initialBackoff",
                        ErrorCode.INVALID_BACKOFF,
                        s -> s.withRetry(new RetryPolicy(null, Duration.ZERO, null, null))),
                bad(
                        "retry.initialBackoff",
                        ErrorCode.INVALID_BACKOFF,
                        s -> s.withRetry(new RetryPolicy(null, Duration.ofMinutes(10), null, Duration.ofMinutes(5)))),
                bad(
                        "retry.maxBackoff",
                        ErrorCode.INVALID_BACKOFF,
                        s -> s.withRetry(new RetryPolicy(null, null, null, Duration.ofDays(2)))),
                bad(
                        "retry.multiplier",
                        ErrorCode.INVALID_MULTIPLIER,
                        s -> s.withRetry(new RetryPolicy(null, null, 0.5, null))),
                bad(
                        "retry.multiplier",
                        ErrorCode.INVALID_MULTIPLIER,
                        s -> s.withRetry(new RetryPolicy(null, null, Double.NaN, null))),
                bad(
                        "retry.multiplier",
                        ErrorCode.INVALID_MULTIPLIER,
                        s -> s.withRetry(new RetryPolicy(null, null, 11.0, null))),
                bad(
                        "delivery.ordering",
                        ErrorCode.INVALID_BACKEND,
                        s -> s.withBackend(new BackendSpec(BackendType.SQS, null, null))
                                .withTarget(ONE_REGION)
                                .withDelivery(new DeliverySpec(Ordering.KEY, null))),
                bad(
                        "target.regions",
                        ErrorCode.INVALID_REGION,
                        s -> s.withBackend(new BackendSpec(BackendType.SQS, null, null))
                                .withTarget(new TargetSpec(
                                        TargetType.HTTP,
                                        Map.of(
                                                "east", new RegionTarget("http://a:1", null),
                                                "west", new RegionTarget("http://b:1", null))))),
                bad(
                        "retry.jitter",
                        ErrorCode.INVALID_BACKOFF,
                        s -> s.withRetry(new RetryPolicy(null, null, null, null, 1.5))),
                bad(
                        "retry.jitter",
                        ErrorCode.INVALID_BACKOFF,
                        s -> s.withRetry(new RetryPolicy(null, null, null, null, -0.1))),
                bad("target.type", ErrorCode.INVALID_TARGET_TYPE, s -> s.withTarget(null)),
                bad(
                        "target.regions",
                        ErrorCode.INVALID_REGION,
                        s -> s.withTarget(new TargetSpec(TargetType.REDIS, Map.of()))),
                bad(
                        "target.regions.US_EAST",
                        ErrorCode.INVALID_REGION,
                        s -> s.withTarget(region(TargetType.REDIS, "US_EAST", "redis://h:1"))),
                bad(
                        "target.regions.local.url",
                        ErrorCode.INVALID_TARGET_URL,
                        s -> s.withTarget(region(TargetType.REDIS, "local", "https://h:1"))),
                bad(
                        "target.regions.local.url",
                        ErrorCode.INVALID_TARGET_URL,
                        s -> s.withTarget(region(TargetType.POSTGRES, "local", "redis://h:1"))),
                bad(
                        "target.regions.local.url",
                        ErrorCode.INVALID_TARGET_URL,
                        s -> s.withTarget(region(TargetType.HTTP, "local", null))),
                bad(
                        "target.regions.local.url",
                        ErrorCode.INVALID_TARGET_URL,
                        s -> s.withTarget(region(TargetType.HTTP, "local", "http:///no-host"))),
                bad(
                        "target.regions.local.url",
                        ErrorCode.INVALID_TARGET_URL,
                        s -> s.withTarget(region(TargetType.HTTP, "local", "http://bad host/"))),
                bad(
                        "target.regions.local.options.namespace",
                        ErrorCode.INVALID_TARGET_OPTION,
                        s -> s.withTarget(new TargetSpec(
                                TargetType.WAL,
                                Map.of(
                                        "local",
                                        new RegionTarget("https://walgate.eu:8080", Map.of("namespace", "..")))))),
                bad(
                        "limits.maxPayloadBytes",
                        ErrorCode.INVALID_PAYLOAD_LIMIT,
                        s -> s.withLimits(new Limits(16 * 1024 * 1024 + 1, null, null))),
                bad(
                        "limits.writesPerSecond",
                        ErrorCode.INVALID_RATE_LIMIT,
                        s -> s.withLimits(new Limits(null, 0, null))),
                bad(
                        "limits.dedupWindow",
                        ErrorCode.INVALID_DEDUP_WINDOW,
                        s -> s.withLimits(new Limits(null, null, Duration.ofDays(8)))),
                bad(
                        "limits.dedupWindow",
                        ErrorCode.INVALID_DEDUP_WINDOW,
                        s -> s.withLimits(new Limits(null, null, Duration.ofSeconds(-5)))),
                bad(
                        "access.writers[1]",
                        ErrorCode.INVALID_ACCESS,
                        s -> s.withAccess(new AccessSpec(List.of("svc-a", " "), null))),
                bad(
                        "access.operators[0]",
                        ErrorCode.INVALID_ACCESS,
                        s -> s.withAccess(new AccessSpec(null, List.of("team oncall")))));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("brokenSpecs")
    void aBrokenRuleIsReportedWithItsFieldAndItsOwnCode(
            String field, ErrorCode code, UnaryOperator<NamespaceSpec> breakIt) {
        List<Violation> violations = NamespaceSpecValidator.validate(breakIt.apply(Specs.full()));

        assertThat(violations).hasSize(1);
        assertThat(violations.get(0).field()).isEqualTo(field);
        assertThat(violations.get(0).code()).isEqualTo(code);
        assertThat(violations.get(0).message()).isNotBlank();
    }

    @Test
    void aPostgresTargetAcceptsBothJdbcAndPlainUrls() {
        for (String url : List.of("jdbc:postgresql://db:5432/app", "postgresql://db:5432/app", "postgres://db/app")) {
            assertThat(NamespaceSpecValidator.validate(
                            Specs.full().withTarget(region(TargetType.POSTGRES, "local", url))))
                    .as(url)
                    .isEmpty();
        }
    }

    @Test
    void theBackoffGrowsByTheMultiplierUntilTheCap() {
        RetryPolicy policy = new RetryPolicy(8, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(10));
        assertThat(List.of(
                        policy.backoff(1), policy.backoff(2), policy.backoff(3), policy.backoff(4), policy.backoff(5)))
                .containsExactly(
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(4),
                        Duration.ofSeconds(8),
                        Duration.ofSeconds(10));
        assertThat(policy.backoff(60)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void jitterTakesUpToItsShareOffTheWait() {
        RetryPolicy policy = new RetryPolicy(8, Duration.ofSeconds(10), 2.0, Duration.ofMinutes(5), 0.2);
        assertThat(policy.backoff(1, 0.0)).isEqualTo(Duration.ofSeconds(10));
        assertThat(policy.backoff(1, 0.5)).isEqualTo(Duration.ofSeconds(9));
        assertThat(policy.backoff(1, 0.999)).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(9));
        assertThat(policy.withDefaults().jitter()).isEqualTo(0.2);
        assertThat(new RetryPolicy(8, Duration.ofSeconds(10), 2.0, Duration.ofMinutes(5), 0.0).backoff(1, 0.9))
                .as("no jitter")
                .isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void deadLetterNamesFollowTheirLogsName() {
        assertThat(ResourceNames.defaultLogName(BackendType.KAFKA, "orders")).isEqualTo("wal.orders");
        assertThat(ResourceNames.deadLetterName(BackendType.KAFKA, "wal.orders"))
                .isEqualTo("wal.orders.dlq");
        assertThat(ResourceNames.defaultLogName(BackendType.SQS, "orders")).isEqualTo("wal-orders");
        assertThat(ResourceNames.deadLetterName(BackendType.SQS, "wal-orders")).isEqualTo("wal-orders-dlq");
    }

    private static Arguments bad(String field, ErrorCode code, UnaryOperator<NamespaceSpec> breakIt) {
        return Arguments.of(field, code, breakIt);
    }

    private static NamespaceSpec with(NamespaceSpec s, String name, String shard, String owner) {
        return new NamespaceSpec(
                name,
                shard,
                owner,
                s.state(),
                s.backend(),
                s.delivery(),
                s.retry(),
                s.target(),
                s.limits(),
                s.access());
    }

    private static TargetSpec region(TargetType type, String region, String url) {
        return new TargetSpec(type, Map.of(region, new RegionTarget(url, null)));
    }
}
