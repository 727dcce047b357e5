package io.walgate.contract.entry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walgate.contract.EntryId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EnvelopeTest {
    private static final Instant ACCEPTED = Instant.parse("2026-11-27T12:00:00Z");

    private final WriteRequest request = new WriteRequest(
            "orders",
            new Lifecycle(Duration.ofSeconds(30), null, null, Instant.parse("2026-11-27T11:59:59Z")),
            "secret-payload".getBytes(StandardCharsets.UTF_8),
            null,
            "order-42",
            "c0ffee",
            Map.of("source", "checkout"),
            "application/json");

    @Test
    void anAcceptedEntryCarriesEverythingTheWorkerNeeds() {
        EntryId id = new EntryId.Generator().next();
        Envelope e = Envelope.accept(request, id, ACCEPTED, ACCEPTED.plusSeconds(30), "00-abc-def-01");

        assertThat(e.id()).isEqualTo(id);
        assertThat(e.attempt()).isEqualTo(1);
        assertThat(e.deliverAt()).isEqualTo(ACCEPTED.plusSeconds(30));
        assertThat(e.originalWriteTime()).isEqualTo(Instant.parse("2026-11-27T11:59:59Z"));
        assertThat(e.partitionKey()).isEqualTo("order-42");
        assertThat(e.effectiveKey())
                .as("the partition key is the default target key")
                .isEqualTo("order-42");
        assertThat(e.idempotencyKey()).isEqualTo("c0ffee");
        assertThat(e.headers()).containsEntry("source", "checkout");
        assertThat(e.target().op()).isEqualTo(TargetOp.PUT);
        assertThat(e.traceparent()).isEqualTo("00-abc-def-01");
        assertThat(new String(e.payload(), StandardCharsets.UTF_8)).isEqualTo("secret-payload");
    }

    @Test
    void aRetryKeepsTheIdentityAndCountsTheAttempt() {
        Envelope first = Envelope.accept(request, new EntryId.Generator().next(), ACCEPTED, ACCEPTED, null);
        Envelope second = first.retryAt(ACCEPTED.plusSeconds(2));

        assertThat(second.id()).isEqualTo(first.id());
        assertThat(second.attempt()).isEqualTo(2);
        assertThat(second.deliverAt()).isEqualTo(ACCEPTED.plusSeconds(2));
        assertThat(second.acceptedAt()).isEqualTo(first.acceptedAt());
        assertThat(second.payload()).isEqualTo(first.payload());
    }

    @Test
    void theTextFormNeverShowsThePayload() {
        Envelope e = Envelope.accept(request, new EntryId.Generator().next(), ACCEPTED, ACCEPTED, null);
        assertThat(e.toString()).doesNotContain("secret-payload").contains("14 bytes");
        assertThat(request.toString()).doesNotContain("secret-payload").contains("14 bytes");
    }

    @Test
    void envelopesWithTheSamePayloadBytesAreEqual() {
        EntryId id = new EntryId.Generator().next();
        Envelope a = Envelope.accept(request, id, ACCEPTED, ACCEPTED, null);
        WriteRequest copy = new WriteRequest(
                request.namespace(),
                request.lifecycle(),
                request.payload().clone(),
                null,
                "order-42",
                "c0ffee",
                Map.of("source", "checkout"),
                "application/json");
        assertThat(Envelope.accept(copy, id, ACCEPTED, ACCEPTED, null)).isEqualTo(a);
    }

    @Test
    void attemptsCountFromOne() {
        Envelope e = Envelope.accept(request, new EntryId.Generator().next(), ACCEPTED, ACCEPTED, null);
        assertThatThrownBy(() -> new Envelope(
                        e.id(),
                        "orders",
                        0,
                        ACCEPTED,
                        ACCEPTED,
                        null,
                        null,
                        null,
                        "application/json",
                        null,
                        null,
                        TargetOverride.put(),
                        new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void dueTimeAddsTheDelayAndAJitterWithinItsBound() {
        Random random = new Random(7);
        assertThat(Lifecycle.immediate().dueAt(ACCEPTED, random)).isEqualTo(ACCEPTED);
        assertThat(Lifecycle.after(Duration.ofMinutes(30)).dueAt(ACCEPTED, random))
                .isEqualTo(ACCEPTED.plusSeconds(1800));
        assertThat(new Lifecycle(null, ACCEPTED.plusSeconds(5), null, null).dueAt(ACCEPTED, random))
                .isEqualTo(ACCEPTED.plusSeconds(5));

        Lifecycle jittered = new Lifecycle(Duration.ofSeconds(10), null, Duration.ofSeconds(2), null);
        long distinct = IntStream.range(0, 200)
                .mapToObj(i -> jittered.dueAt(ACCEPTED, random))
                .peek(due -> assertThat(due).isBetween(ACCEPTED.plusSeconds(10), ACCEPTED.plusSeconds(12)))
                .distinct()
                .count();
        assertThat(distinct).as("jitter spreads entries").isGreaterThan(50);
    }
}
