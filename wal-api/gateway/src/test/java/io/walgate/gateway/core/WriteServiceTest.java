package io.walgate.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walgate.adapter.spi.AppendException;
import io.walgate.adapter.spi.AppendReceipt;
import io.walgate.client.NamespaceDirectory;
import io.walgate.contract.Durability;
import io.walgate.contract.EntryId;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.WalException;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.EnvelopeCodec;
import io.walgate.contract.entry.Lifecycle;
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
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The write path's decisions, with an in-memory log standing in for the backend. */
class WriteServiceTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-27T12:00:00Z"), ZoneOffset.UTC);
    private static final Caller WRITER = Caller.client("svc-orders", Set.of());

    private static NamespaceSpec namespace(String name, String shard, NamespaceState state, int rate) {
        return new NamespaceSpec(
                        name,
                        shard,
                        "team",
                        state,
                        new BackendSpec(BackendType.KAFKA, null, 3),
                        null,
                        null,
                        new TargetSpec(TargetType.HTTP, Map.of("local", new RegionTarget("http://h:1", null))),
                        new Limits(1024, rate, null),
                        new AccessSpec(List.of("svc-orders", "role:writers-role"), List.of("user:oncall")))
                .withDefaults();
    }

    private final MemoryLog log = new MemoryLog();
    private final MemoryIdempotencyStore keys = new MemoryIdempotencyStore();
    private final MemoryPayloadStore payloads = new MemoryPayloadStore();
    private static final long MAX_IN_FLIGHT_BYTES = 500;

    private WriteService service(int maxInFlight, NamespaceSpec... specs) {
        Map<String, NamespaceSpec> byName = new HashMap<>();
        for (NamespaceSpec s : specs) {
            byName.put(s.name(), s);
        }
        return new WriteService(
                new NamespaceDirectory() {
                    @Override
                    public Optional<NamespaceSpec> find(String name) {
                        return Optional.ofNullable(byName.get(name));
                    }

                    @Override
                    public List<NamespaceSpec> all() {
                        return List.copyOf(byName.values());
                    }
                },
                Map.of(BackendType.KAFKA, log),
                "default",
                new RateLimiter(() -> 0L),
                maxInFlight,
                MAX_IN_FLIGHT_BYTES,
                new EntryId.Generator(CLOCK),
                CLOCK,
                new Random(1),
                keys,
                Duration.ofMinutes(1),
                payloads,
                Duration.ofDays(14));
    }

    private static WriteRequest request(String ns, Lifecycle lifecycle) {
        return new WriteRequest(ns, lifecycle, new byte[] {1, 2}, null, "k", null, null, null);
    }

    private static WriteRequest keyed(String key, String payload) {
        return new WriteRequest("orders", null, payload.getBytes(StandardCharsets.UTF_8), null, "k", key, null, null);
    }

    private static Written ok(CompletionStage<Written> stage) throws Exception {
        return stage.toCompletableFuture().get();
    }

    private static WalException failureOf(CompletionStage<Written> stage) {
        try {
            stage.toCompletableFuture().get();
        } catch (ExecutionException e) {
            Throwable cause =
                    e.getCause() instanceof CompletionException ? e.getCause().getCause() : e.getCause();
            return (WalException) cause;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("the write succeeded");
    }

    @Test
    void aValidWriteIsAppendedWithItsDueTimeAndAnsweredWithItsId() throws Exception {
        WriteService writes = service(10, namespace("orders", "default", NamespaceState.ACTIVE, 100));

        Written w = writes.write(request("orders", Lifecycle.after(Duration.ofSeconds(30))), WRITER, "00-t-s-01")
                .toCompletableFuture()
                .get();

        assertThat(log.appended).hasSize(1);
        Envelope e = log.appended.get(0);
        assertThat(e.id()).isEqualTo(w.entryId());
        assertThat(e.deliverAt()).isEqualTo(CLOCK.instant().plusSeconds(30));
        assertThat(e.traceparent()).isEqualTo("00-t-s-01");
        assertThat(w.resource()).isEqualTo("wal.orders");
    }

    @Test
    void refusalsHappenBeforeAnythingIsSentAndAreNeverDurable() {
        WriteService writes = service(
                10,
                namespace("paused", "default", NamespaceState.PAUSED, 100),
                namespace("elsewhere", "cache", NamespaceState.ACTIVE, 100),
                namespace("orders", "default", NamespaceState.ACTIVE, 100));

        assertThat(failureOf(writes.write(request("nope", null), WRITER, null)).code())
                .isEqualTo(ErrorCode.NAMESPACE_NOT_FOUND);
        assertThat(failureOf(writes.write(request("paused", null), WRITER, null))
                        .code())
                .isEqualTo(ErrorCode.NAMESPACE_PAUSED);
        WalException wrongShard = failureOf(writes.write(request("elsewhere", null), WRITER, null));
        assertThat(wrongShard.code()).isEqualTo(ErrorCode.WRONG_SHARD);
        assertThat(wrongShard.getMessage()).contains("'cache'");
        // A stranger cannot tell a namespace it has no part in from a missing one; an operator can.
        WalException stranger =
                failureOf(writes.write(request("orders", null), Caller.client("intruder", Set.of()), null));
        WalException missing =
                failureOf(writes.write(request("nope", null), Caller.client("intruder", Set.of()), null));
        assertThat(stranger.code()).isEqualTo(ErrorCode.NAMESPACE_NOT_FOUND);
        assertThat(stranger.getMessage()).isEqualTo(missing.getMessage().replace("nope", "orders"));
        assertThat(failureOf(writes.write(request("orders", null), Caller.user("oncall", Set.of()), null))
                        .code())
                .isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(failureOf(writes.write(request("orders", Lifecycle.after(Duration.ofDays(9))), WRITER, null))
                        .code())
                .isEqualTo(ErrorCode.INVALID_LIFECYCLE);

        assertThat(log.appended).isEmpty();
    }

    @Test
    void aCallerMayWriteThroughARoleTheWritersListNames() throws Exception {
        WriteService writes = service(10, namespace("orders", "default", NamespaceState.ACTIVE, 100));
        writes.write(request("orders", null), Caller.client("svc-x", Set.of("writers-role")), null)
                .toCompletableFuture()
                .get();
        assertThat(log.appended).hasSize(1);
    }

    @Test
    void anEntryMaySendOnlyToTopicsItsNamespaceGrantsAndNeverIntoAnotherNamespacesLog() throws Exception {
        NamespaceSpec events = namespace("events", "default", NamespaceState.ACTIVE, 100)
                .withTarget(new TargetSpec(
                        TargetType.KAFKA,
                        Map.of("local", new RegionTarget("kafka://k:9092", Map.of("topic", "events.out"))),
                        Map.of("topic", List.of("events.*", "shared.audit"))));
        // Another namespace whose log has a custom name that events' allow-list happens to cover.
        NamespaceSpec billing = namespace("billing", "default", NamespaceState.ACTIVE, 100)
                .withBackend(new BackendSpec(BackendType.KAFKA, "events.billing-log", 3));
        WriteService writes = service(10, events, billing);

        for (String granted : List.of("events.out", "events.eu", "shared.audit")) {
            ok(writes.write(toTopic(granted), WRITER, null));
        }
        for (String refused : List.of("payments", "shared.audit2", "wal.billing", "events.billing-log")) {
            WalException e = failureOf(writes.write(toTopic(refused), WRITER, null));
            assertThat(e.code()).as(refused).isEqualTo(ErrorCode.TARGET_NOT_ALLOWED);
            assertThat(e.durability()).isEqualTo(Durability.FALSE);
            assertThat(e.violations().get(0).field()).isEqualTo("target.options.topic");
        }
        for (String suffix : List.of("", ".dlq", ".delay.30s")) {
            assertThat(failureOf(writes.write(toTopic("events.billing-log" + suffix), WRITER, null))
                            .code())
                    .isEqualTo(ErrorCode.TARGET_NOT_ALLOWED);
        }
        assertThat(log.appended).hasSize(3);
    }

    private static WriteRequest toTopic(String topic) {
        return new WriteRequest(
                "events",
                null,
                new byte[] {1},
                new TargetOverride("k", TargetOp.PUT, Map.of("topic", topic)),
                null,
                null,
                null,
                null);
    }

    @Test
    void aNamespaceOverItsRateIsRefusedWithARetryHint() throws Exception {
        WriteService writes = service(10, namespace("orders", "default", NamespaceState.ACTIVE, 2));
        writes.write(request("orders", null), WRITER, null)
                .toCompletableFuture()
                .get();
        writes.write(request("orders", null), WRITER, null)
                .toCompletableFuture()
                .get();

        WalException limited = failureOf(writes.write(request("orders", null), WRITER, null));

        assertThat(limited.code()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(limited.durability()).isEqualTo(Durability.FALSE);
        assertThat(((WriteFailure) limited).retryAfterMillis()).isPositive();
    }

    @Test
    void writesBeyondTheInFlightLimitAreShedUntilOneCompletes() throws Exception {
        WriteService writes = service(1, namespace("orders", "default", NamespaceState.ACTIVE, 100));
        log.next = new CompletableFuture<>();
        CompletionStage<Written> first = writes.write(request("orders", null), WRITER, null);

        assertThat(failureOf(writes.write(request("orders", null), WRITER, null))
                        .code())
                .isEqualTo(ErrorCode.OVERLOADED);

        log.next.complete(new AppendReceipt("wal.orders", "0-1"));
        first.toCompletableFuture().get();
        log.next = null;
        writes.write(request("orders", null), WRITER, null)
                .toCompletableFuture()
                .get();
    }

    @Test
    void largeWritesAreShedByTheirBytesInFlightButALoneOneOfAnySizeGoesThrough() throws Exception {
        WriteService writes = service(100, namespace("orders", "default", NamespaceState.ACTIVE, 100));
        log.next = new CompletableFuture<>();
        CompletionStage<Written> first = writes.write(sized(400), WRITER, null);

        WalException shed = failureOf(writes.write(sized(200), WRITER, null));
        assertThat(shed.code()).isEqualTo(ErrorCode.OVERLOADED);
        assertThat(shed.durability()).isEqualTo(Durability.FALSE);
        CompletionStage<Written> small = writes.write(sized(50), WRITER, null); // 450 of 500: in

        log.next.complete(new AppendReceipt("wal.orders", "0-1"));
        first.toCompletableFuture().get();
        small.toCompletableFuture().get();
        log.next = null;
        // Nothing in flight: a write above the whole budget is let in alone.
        writes.write(sized(1000), WRITER, null).toCompletableFuture().get();
    }

    @Test
    void headersNearTheirLimitSendAWriteToTheClaimCheckRatherThanOverTheLogsSize() throws Exception {
        WriteService writes = service(10, namespace("orders", "default", NamespaceState.ACTIVE, 100));
        log.maxInline = 1000;
        byte[] payload = new byte[600]; // inline on its own
        Map<String, String> headers = Map.of("note", "h".repeat(600));
        ok(writes.write(new WriteRequest("orders", null, payload, null, "k", null, headers, null), WRITER, null));

        assertThat(log.appended.get(0).payloadRef()).as("claim-checked").isNotNull();
        assertThat(EnvelopeCodec.encodedSize(log.appended.get(0))).isLessThanOrEqualTo(log.maxInline);
    }

    private static WriteRequest sized(int bytes) {
        return new WriteRequest("orders", null, new byte[bytes], null, "k", null, null, null);
    }

    @Test
    void aBackendThatMayHaveWrittenTheEntryAnswersUnknownWithTheEntryId() {
        WriteService writes = service(10, namespace("orders", "default", NamespaceState.ACTIVE, 100));
        log.next = CompletableFuture.failedFuture(
                new AppendException(ErrorCode.BACKEND_TIMEOUT, Durability.UNKNOWN, "timeout", null));

        WalException e = failureOf(writes.write(request("orders", null), WRITER, null));

        assertThat(e.durability()).isEqualTo(Durability.UNKNOWN);
        assertThat(e.code()).isEqualTo(ErrorCode.BACKEND_TIMEOUT);
        assertThat(((WriteFailure) e).entryId()).isEqualTo(log.appended.get(0).id());
    }

    @Test
    void withAuthenticationOffEveryoneMayWrite() {
        NamespaceSpec ns = namespace("orders", "default", NamespaceState.ACTIVE, 100);
        assertThat(ns.access().admitsWriter(Caller.unauthenticated())).isTrue();
        assertThat(ns.access().admitsWriter(WRITER)).isTrue();
        assertThat(ns.access().admitsWriter(Caller.client("nobody", Set.of("other"))))
                .isFalse();
        assertThatThrownBy(() -> new AppendException(ErrorCode.BACKEND_TIMEOUT, Durability.TRUE, "x", null))
                .as("a failed append can never claim durability")
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRepeatOfADurableWriteAppendsNothingAndAnswersTheOriginalId() throws Exception {
        WriteService writes = service(10, namespace("orders", "default", NamespaceState.ACTIVE, 100));

        Written first = ok(writes.write(keyed("pay-1", "a"), WRITER, null));
        Written again = ok(writes.write(keyed("pay-1", "a"), WRITER, null));

        assertThat(log.appended).hasSize(1);
        assertThat(again.entryId()).isEqualTo(first.entryId());
        assertThat(again.repeat()).isTrue();
        assertThat(first.repeat()).isFalse();
    }

    @Test
    void theSameKeyForADifferentRequestIsRefused() throws Exception {
        WriteService writes = service(10, namespace("orders", "default", NamespaceState.ACTIVE, 100));
        ok(writes.write(keyed("pay-2", "a"), WRITER, null));

        WalException e = failureOf(writes.write(keyed("pay-2", "b"), WRITER, null));

        assertThat(e.code()).isEqualTo(ErrorCode.IDEMPOTENCY_KEY_REUSED);
        assertThat(e.durability()).isEqualTo(Durability.FALSE);
        assertThat(log.appended).hasSize(1);
    }

    @Test
    void aWriteThatCertainlyFailedFreesItsKeyForARetry() throws Exception {
        WriteService writes = service(10, namespace("orders", "default", NamespaceState.ACTIVE, 100));
        log.next = CompletableFuture.failedFuture(
                new AppendException(ErrorCode.BACKEND_UNAVAILABLE, Durability.FALSE, "refused", null));
        assertThat(failureOf(writes.write(keyed("pay-3", "a"), WRITER, null)).durability())
                .isEqualTo(Durability.FALSE);

        log.next = null;
        Written retry = ok(writes.write(keyed("pay-3", "a"), WRITER, null));

        assertThat(log.appended).hasSize(2);
        assertThat(retry.repeat()).isFalse();
    }

    @Test
    void aRepeatOfAnUnknownWriteAppendsAgainUnderTheSameEntryId() throws Exception {
        WriteService writes = service(10, namespace("orders", "default", NamespaceState.ACTIVE, 100));
        log.next = CompletableFuture.failedFuture(
                new AppendException(ErrorCode.BACKEND_TIMEOUT, Durability.UNKNOWN, "timeout", null));
        WriteFailure unknown = (WriteFailure) failureOf(writes.write(keyed("pay-4", "a"), WRITER, null));

        log.next = null;
        Written retry = ok(writes.write(keyed("pay-4", "a"), WRITER, null));

        assertThat(retry.entryId()).isEqualTo(unknown.entryId());
        assertThat(log.appended).extracting(Envelope::id).containsExactly(unknown.entryId(), unknown.entryId());
        assertThat(ok(writes.write(keyed("pay-4", "a"), WRITER, null)).repeat()).isTrue();
        assertThat(log.appended).hasSize(2);
    }

    @Test
    void aFailedRepeatOfAnUnknownWriteIsStillUnknown() {
        WriteService writes = service(10, namespace("orders", "default", NamespaceState.ACTIVE, 100));
        log.next = CompletableFuture.failedFuture(
                new AppendException(ErrorCode.BACKEND_TIMEOUT, Durability.UNKNOWN, "timeout", null));
        failureOf(writes.write(keyed("pay-5", "a"), WRITER, null));
        log.next = CompletableFuture.failedFuture(
                new AppendException(ErrorCode.BACKEND_UNAVAILABLE, Durability.FALSE, "refused", null));

        WalException e = failureOf(writes.write(keyed("pay-5", "a"), WRITER, null));

        assertThat(e.durability())
                .as("the first attempt may have landed, so this answer cannot be FALSE")
                .isEqualTo(Durability.UNKNOWN);
    }

    @Test
    void aRepeatWhileTheFirstIsInFlightIsToldToRetryAndALeaseLaterTakesOver() throws Exception {
        WriteService writes = service(10, namespace("orders", "default", NamespaceState.ACTIVE, 100));
        log.next = new CompletableFuture<>(); // the first write hangs, as if its gateway died
        CompletionStage<Written> first = writes.write(keyed("pay-6", "a"), WRITER, null);

        WalException busy = failureOf(writes.write(keyed("pay-6", "a"), WRITER, null));
        assertThat(busy.code()).isEqualTo(ErrorCode.IDEMPOTENCY_IN_PROGRESS);
        assertThat(busy.durability()).isEqualTo(Durability.UNKNOWN);
        assertThat(((WriteFailure) busy).entryId())
                .isEqualTo(log.appended.get(0).id());

        keys.now = keys.now.plus(Duration.ofMinutes(2));
        log.next = null;
        Written takeover = ok(writes.write(keyed("pay-6", "a"), WRITER, null));
        assertThat(takeover.entryId()).isEqualTo(log.appended.get(0).id());
        assertThat(first.toCompletableFuture().isDone()).isFalse();
    }

    @Test
    void withTheIdempotencyStoreDownAKeyedWriteIsRefusedAndNothingIsSent() {
        WriteService writes = service(10, namespace("orders", "default", NamespaceState.ACTIVE, 100));
        keys.down = true;

        WalException e = failureOf(writes.write(keyed("pay-7", "a"), WRITER, null));

        assertThat(e.code()).isEqualTo(ErrorCode.BACKEND_UNAVAILABLE);
        assertThat(e.durability()).isEqualTo(Durability.FALSE);
        assertThat(log.appended).isEmpty();
    }

    @Test
    void writesWithoutAKeyOrWithDedupOffDoNotTouchTheStore() throws Exception {
        NamespaceSpec noDedup = namespace("orders", "default", NamespaceState.ACTIVE, 100)
                .withLimits(new Limits(1024, 100, Duration.ZERO));
        WriteService writes = service(10, noDedup);
        keys.down = true;

        ok(writes.write(keyed("pay-8", "a"), WRITER, null));
        ok(writes.write(keyed("pay-8", "a"), WRITER, null));
        ok(writes.write(request("orders", null), WRITER, null));

        assertThat(log.appended).hasSize(3);
    }

    @Test
    void aPayloadTooLargeForTheLogIsStoredAsideAndTheLogGetsAClaimCheck() throws Exception {
        NamespaceSpec orders = namespace("orders", "default", NamespaceState.ACTIVE, 100);
        WriteService writes = service(10, orders);
        log.maxInline = 300;
        byte[] payload = "more than 300 bytes with its envelope ".repeat(8).getBytes(StandardCharsets.UTF_8);

        Written w =
                ok(writes.write(new WriteRequest("orders", null, payload, null, "k", null, null, null), WRITER, null));

        Envelope onLog = log.appended.get(0);
        assertThat(onLog.payload()).isEmpty();
        assertThat(onLog.payloadRef().size()).isEqualTo(payload.length);
        assertThat(onLog.payloadRef().sha256())
                .isEqualTo(MessageDigest.getInstance("SHA-256").digest(payload));
        assertThat(payloads.stored.get(w.entryId())).isEqualTo(payload);
        // Durable: the payload no longer expires; it waits for every region of the namespace.
        assertThat(payloads.logged).contains(w.entryId());
        assertThat(payloads.regions.get(w.entryId()))
                .containsExactlyInAnyOrderElementsOf(orders.target().regions().keySet());
        ok(writes.write(request("orders", null), WRITER, null));
        assertThat(log.appended.get(1).payloadRef())
                .as("small payloads stay inline")
                .isNull();
    }

    @Test
    void aLargePayloadIsNotLoggedWhenItCannotBeStored() {
        WriteService writes = service(10, namespace("orders", "default", NamespaceState.ACTIVE, 100));
        log.maxInline = 1;
        payloads.down = true;

        WalException e = failureOf(writes.write(request("orders", null), WRITER, null));

        assertThat(e.code()).isEqualTo(ErrorCode.BACKEND_UNAVAILABLE);
        assertThat(e.durability()).isEqualTo(Durability.FALSE);
        assertThat(log.appended).isEmpty();
    }
}
