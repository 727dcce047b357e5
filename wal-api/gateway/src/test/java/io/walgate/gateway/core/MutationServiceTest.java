package io.walgate.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.walgate.adapter.spi.AppendException;
import io.walgate.client.NamespaceDirectory;
import io.walgate.contract.Durability;
import io.walgate.contract.EntryId;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.WalException;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.Lifecycle;
import io.walgate.contract.entry.MutationRef;
import io.walgate.contract.entry.MutationRequest;
import io.walgate.contract.entry.MutationState;
import io.walgate.contract.entry.TargetOp;
import io.walgate.contract.entry.TargetOverride;
import io.walgate.contract.entry.WriteRequest;
import io.walgate.contract.namespace.AccessSpec;
import io.walgate.contract.namespace.BackendSpec;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.Caller;
import io.walgate.contract.namespace.Limits;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.NamespaceState;
import io.walgate.contract.namespace.RegionTarget;
import io.walgate.contract.namespace.TargetSpec;
import io.walgate.contract.namespace.TargetType;
import io.walgate.gateway.core.MutationStore.MutationProgress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class MutationServiceTest {
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final Caller WRITER = Caller.client("svc-orders", Set.of());
    private static final Duration RECLAIM = Duration.ofHours(1);

    private final MemoryLog log = new MemoryLog();
    private final MemoryMutationStore store = new MemoryMutationStore();
    private NamespaceSpec orders = namespace(NamespaceState.ACTIVE);

    /** A PostgreSQL target in two regions, whose entries may pick the tables accounts and orders. */
    private static NamespaceSpec namespace(NamespaceState state) {
        return new NamespaceSpec(
                        "orders",
                        "default",
                        "team",
                        state,
                        new BackendSpec(BackendType.KAFKA, null, 3),
                        null,
                        null,
                        new TargetSpec(
                                TargetType.POSTGRES,
                                Map.of(
                                        "east", new RegionTarget("postgresql://db-east/orders", null),
                                        "west", new RegionTarget("postgresql://db-west/orders", null)),
                                Map.of("table", List.of("accounts", "orders"))),
                        new Limits(null, null, null, 5, 100),
                        new AccessSpec(List.of("svc-orders"), List.of()))
                .withDefaults();
    }

    private MutationService service() {
        NamespaceDirectory directory = new NamespaceDirectory() {
            @Override
            public Optional<NamespaceSpec> find(String name) {
                return name.equals(orders.name()) ? Optional.of(orders) : Optional.empty();
            }

            @Override
            public List<NamespaceSpec> all() {
                return List.of(orders);
            }
        };
        WriteService writes = new WriteService(
                directory,
                Map.of(BackendType.KAFKA, log),
                "default",
                new RateLimiter(() -> 0L),
                100,
                1 << 20,
                new EntryId.Generator(CLOCK),
                CLOCK,
                new Random(1),
                new MemoryIdempotencyStore(),
                Duration.ofMinutes(1),
                new MemoryPayloadStore(),
                Duration.ofDays(14));
        return new MutationService(writes, store, CLOCK, new Random(1), RECLAIM);
    }

    private static WriteRequest put(String table, String key, String payload) {
        return new WriteRequest(
                "orders",
                null,
                payload.getBytes(StandardCharsets.UTF_8),
                new TargetOverride(key, TargetOp.PUT, Map.of("table", table)),
                null,
                null,
                Map.of(),
                null);
    }

    private static MutationRequest mutation(String key, WriteRequest... items) {
        return new MutationRequest("orders", List.of(items), Lifecycle.after(Duration.ofSeconds(30)), key, Map.of());
    }

    private static <T> T join(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    private static WalException failureOf(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().join();
        } catch (CompletionException e) {
            return (WalException) e.getCause();
        }
        throw new AssertionError("expected a failure");
    }

    @Test
    void theItemsAreStoredThenOneMarkerIsLoggedAndTheAnswerIsDurable() {
        Mutated m = join(service()
                .mutate(
                        mutation(
                                null,
                                put("accounts", "a1", "10"),
                                put("orders", "o1", "20"),
                                put("accounts", "a1", "30")),
                        WRITER,
                        null));

        assertThat(m.itemCount()).isEqualTo(3);
        assertThat(m.repeat()).isFalse();
        MemoryMutationStore.Kept kept = store.kept.get(m.mutationId());
        assertThat(kept.logged()).as("logged once the append is confirmed").isTrue();
        assertThat(kept.mutation().regions()).containsExactlyInAnyOrder("east", "west");
        assertThat(kept.mutation().chunks()).hasSize(1);
        assertThat(kept.mutation().dueAt()).isEqualTo(NOW.plusSeconds(30));
        assertThat(kept.mutation().expiresAt()).isEqualTo(NOW.plusSeconds(30).plus(RECLAIM));
        assertThat(log.appended).hasSize(1);
        Envelope marker = log.appended.get(0);
        assertThat(marker.id()).isEqualTo(m.mutationId());
        assertThat(marker.mutation()).isEqualTo(new MutationRef(3, 6));
        assertThat(marker.payload()).isEmpty();
        assertThat(marker.deliverAt()).isEqualTo(NOW.plusSeconds(30));
    }

    @Test
    void aBadMutationStoresAndLogsNothingAndNamesItsProblem() {
        WriteRequest deleteWithPayload = new WriteRequest(
                "orders",
                null,
                "x".getBytes(StandardCharsets.UTF_8),
                new TargetOverride("a1", TargetOp.DELETE, Map.of("table", "accounts")),
                null,
                null,
                Map.of(),
                null);
        WriteRequest elsewhere = put("payroll", "p1", "1");
        List<ErrorCode> codes = new ArrayList<>();
        codes.add(failureOf(service().mutate(mutation(null), WRITER, null)).code());
        codes.add(failureOf(service()
                        .mutate(
                                mutation(
                                        null,
                                        put("accounts", "1", ""),
                                        put("accounts", "2", ""),
                                        put("accounts", "3", ""),
                                        put("accounts", "4", ""),
                                        put("accounts", "5", ""),
                                        put("accounts", "6", "")),
                                WRITER,
                                null))
                .code());
        codes.add(failureOf(service().mutate(mutation(null, put("accounts", "a1", "x".repeat(101))), WRITER, null))
                .code());
        codes.add(failureOf(
                        service().mutate(mutation(null, put("accounts", "a1", "1"), deleteWithPayload), WRITER, null))
                .code());
        WalException outside =
                failureOf(service().mutate(mutation(null, put("accounts", "a1", "1"), elsewhere), WRITER, null));
        codes.add(outside.code());
        assertThat(outside.getMessage()).contains("items[1].target.options.table");
        orders = namespace(NamespaceState.PAUSED);
        codes.add(failureOf(service().mutate(mutation(null, put("accounts", "a1", "1")), WRITER, null))
                .code());

        assertThat(codes)
                .containsExactly(
                        ErrorCode.EMPTY_MUTATION,
                        ErrorCode.MUTATION_TOO_LARGE,
                        ErrorCode.MUTATION_TOO_LARGE,
                        ErrorCode.INVALID_PAYLOAD,
                        ErrorCode.TARGET_NOT_ALLOWED,
                        ErrorCode.NAMESPACE_PAUSED);
        assertThat(store.kept).isEmpty();
        assertThat(log.appended).isEmpty();
    }

    @Test
    void aMutationStoreThatCannotBeReachedIsFalseAndNothingIsLogged() {
        store.failure = new IllegalStateException("connection refused");
        WalException e = failureOf(service().mutate(mutation(null, put("accounts", "a1", "1")), WRITER, null));
        assertThat(e.code()).isEqualTo(ErrorCode.BACKEND_UNAVAILABLE);
        assertThat(e.durability()).isEqualTo(Durability.FALSE);
        assertThat(log.appended).isEmpty();
    }

    @Test
    void anUnconfirmedMarkerIsUnknownWithTheMutationIdAndARepeatCompletesTheSameMutation() {
        MutationService service = service();
        MutationRequest request = mutation("order-7", put("accounts", "a1", "1"), put("orders", "o1", "2"));
        log.next = CompletableFuture.failedFuture(
                new AppendException(ErrorCode.BACKEND_TIMEOUT, Durability.UNKNOWN, "timeout", null));
        WalException unknown = failureOf(service.mutate(request, WRITER, null));
        assertThat(unknown.durability()).isEqualTo(Durability.UNKNOWN);
        EntryId id = ((WriteFailure) unknown).entryId();
        assertThat(store.kept.get(id).logged()).isFalse();

        log.next = null;
        Mutated repeat = join(service.mutate(request, WRITER, null));
        assertThat(repeat.mutationId()).isEqualTo(id);
        assertThat(repeat.repeat()).as("this call logged it").isFalse();
        assertThat(store.kept).hasSize(1);
        assertThat(store.kept.get(id).logged()).isTrue();
        assertThat(log.appended).extracting(Envelope::id).containsExactly(id, id);
        assertThat(log.appended.get(1).deliverAt())
                .as("the first call's due time")
                .isEqualTo(NOW.plusSeconds(30));

        Mutated again = join(service.mutate(request, WRITER, null));
        assertThat(again.repeat()).isTrue();
        assertThat(again.mutationId()).isEqualTo(id);
        assertThat(log.appended).as("nothing more logged").hasSize(2);
    }

    @Test
    void aMarkerTheBackendCertainlyRefusedIsFalseAndTheMutationIsDroppedSoItsKeyIsFree() {
        MutationService service = service();
        log.next = CompletableFuture.failedFuture(
                new AppendException(ErrorCode.BACKEND_UNAVAILABLE, Durability.FALSE, "no leader", null));
        WalException e = failureOf(service.mutate(mutation("order-9", put("accounts", "a1", "1")), WRITER, null));
        assertThat(e.durability()).isEqualTo(Durability.FALSE);
        assertThat(store.kept).isEmpty();

        log.next = null;
        Mutated corrected = join(service.mutate(mutation("order-9", put("accounts", "a1", "2")), WRITER, null));
        assertThat(corrected.repeat()).isFalse();
        assertThat(store.kept).containsOnlyKeys(corrected.mutationId());
    }

    @Test
    void aRepeatWhoseMarkerCannotBeSentIsUnknownNeverFalseSinceTheFirstMarkerMayBeLogged() {
        MutationService service = service();
        MutationRequest request = mutation("order-8", put("accounts", "a1", "1"));
        log.next = CompletableFuture.failedFuture(
                new AppendException(ErrorCode.BACKEND_TIMEOUT, Durability.UNKNOWN, "timeout", null));
        EntryId id = ((WriteFailure) failureOf(service.mutate(request, WRITER, null))).entryId();

        log.next = CompletableFuture.failedFuture(
                new AppendException(ErrorCode.BACKEND_UNAVAILABLE, Durability.FALSE, "no leader", null));
        WalException repeat = failureOf(service.mutate(request, WRITER, null));

        assertThat(repeat.durability()).isEqualTo(Durability.UNKNOWN);
        assertThat(((WriteFailure) repeat).entryId()).isEqualTo(id);
        assertThat(store.kept).as("kept: the first marker may apply it").containsOnlyKeys(id);
    }

    @Test
    void aRepeatSendsTheFirstCallsMarkerWithItsOriginalWriteTime() {
        MutationService service = service();
        Instant first = Instant.parse("2026-12-04T11:00:00Z");
        WriteRequest item = put("accounts", "a1", "1");
        log.next = CompletableFuture.failedFuture(
                new AppendException(ErrorCode.BACKEND_TIMEOUT, Durability.UNKNOWN, "timeout", null));
        failureOf(service.mutate(
                new MutationRequest("orders", List.of(item), new Lifecycle(null, null, null, first), "k", Map.of()),
                WRITER,
                null));
        log.next = null;
        join(service.mutate(
                new MutationRequest(
                        "orders", List.of(item), new Lifecycle(null, null, null, first.plusSeconds(60)), "k", Map.of()),
                WRITER,
                null));
        assertThat(log.appended).extracting(Envelope::originalWriteTime).containsExactly(first, first);
    }

    @Test
    void aDifferentRequestUnderAnIdempotencyKeyInUseIsRefused() {
        MutationService service = service();
        join(service.mutate(mutation("order-7", put("accounts", "a1", "1")), WRITER, null));
        WalException e = failureOf(service.mutate(mutation("order-7", put("accounts", "a1", "2")), WRITER, null));
        assertThat(e.code()).isEqualTo(ErrorCode.IDEMPOTENCY_KEY_REUSED);
        assertThat(log.appended).hasSize(1);
    }

    @Test
    void theProgressOfAnUnknownOrMalformedIdIsNotFound() {
        MutationService service = service();
        Mutated m = join(service.mutate(mutation(null, put("accounts", "a1", "1")), WRITER, null));
        MutationProgress p = join(service.progress("orders", m.mutationId().toString(), WRITER));
        assertThat(p.itemCount()).isEqualTo(1);
        assertThat(p.logged()).isTrue();
        assertThat(failureOf(service.progress(
                                "orders", new EntryId.Generator().next().toString(), WRITER))
                        .code())
                .isEqualTo(ErrorCode.MUTATION_NOT_FOUND);
        assertThat(failureOf(service.progress("orders", "not-an-id", WRITER)).code())
                .isEqualTo(ErrorCode.MUTATION_NOT_FOUND);
        assertThat(failureOf(service.progress("orders", m.mutationId().toString(), Caller.client("stranger", Set.of())))
                        .code())
                .isEqualTo(ErrorCode.NAMESPACE_NOT_FOUND);
    }

    @Test
    void theStatusShowsTheNamespacesRegionsAsTheyAreNow() {
        EntryId id = new EntryId.Generator(CLOCK).next();
        MutationProgress stored = new MutationProgress(
                id,
                "orders",
                10,
                true,
                NOW,
                List.of(
                        new MutationStore.Region("east", MutationState.APPLIED, 10, 1, null, null, null, NOW),
                        new MutationStore.Region("gone", MutationState.PENDING, 0, 0, null, null, null, NOW)));

        MutationProgress now = stored.forRegions(Set.of("east", "north"));

        assertThat(now.regions())
                .extracting(MutationStore.Region::region, MutationStore.Region::state)
                .containsExactly(tuple("east", MutationState.APPLIED), tuple("north", MutationState.PENDING));
        assertThat(now.state()).isEqualTo(MutationState.APPLYING);
        assertThat(stored.forRegions(Set.of("east")).state()).isEqualTo(MutationState.APPLIED);
    }
}
