package io.walgate.contract.entry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walgate.api.v1.LogEnvelope;
import io.walgate.api.v1.MutationItem;
import io.walgate.contract.EntryId;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MutationsTest {
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    private static final EntryId.Generator IDS = new EntryId.Generator(Clock.fixed(NOW, ZoneOffset.UTC));

    private static WriteRequest item(int i, int size) {
        return new WriteRequest(
                "orders",
                null,
                new byte[size],
                new TargetOverride(
                        "k" + i, i % 3 == 0 ? TargetOp.DELETE : TargetOp.PUT, Map.of("table", "t" + (i % 2))),
                "p" + i,
                null,
                Map.of("n", Integer.toString(i)),
                "application/json");
    }

    @Test
    void itemIdsFollowTheItemsOrderAndAreTheSameOnEveryAttempt() {
        EntryId mutation = IDS.next();
        List<EntryId> ids = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            ids.add(Mutations.itemId(mutation, i));
        }
        assertThat(ids).isSorted().doesNotHaveDuplicates();
        assertThat(Mutations.itemId(mutation, 7)).isEqualTo(ids.get(7));
        assertThat(ids.get(0).timestamp()).isEqualTo(mutation.timestamp());
    }

    @Test
    void twoMutationsItemsNeverShareAnId() {
        Set<EntryId> seen = new HashSet<>();
        for (int m = 0; m < 200; m++) {
            EntryId mutation = IDS.next();
            for (int i = 0; i < 50; i++) {
                assertThat(seen.add(Mutations.itemId(mutation, i))).isTrue();
            }
        }
    }

    @Test
    void itemsAreStoredInRunsOfBoundedSizeAndReadBackInOrder() {
        List<WriteRequest> items = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            items.add(item(i, i == 20 ? Mutations.CHUNK_BYTES * 2 : 30_000)); // one item larger than a chunk
        }
        List<Mutations.Chunk> chunks = Mutations.chunks(items);
        assertThat(chunks.size()).isGreaterThan(3);
        int next = 0;
        for (Mutations.Chunk chunk : chunks) {
            assertThat(chunk.firstItem()).isEqualTo(next);
            List<MutationItem> read = Mutations.decode(chunk.bytes());
            assertThat(read).hasSize(chunk.itemCount());
            if (read.size() > 1) {
                assertThat(chunk.bytes().length).isLessThanOrEqualTo(Mutations.CHUNK_BYTES);
            }
            for (MutationItem m : read) {
                assertThat(m.getTarget().getKey()).isEqualTo("k" + next);
                next++;
            }
        }
        assertThat(next).isEqualTo(40);
    }

    @Test
    void aMarkerCarriesNoPayloadAndIsWrittenInAFormatOlderWorkersRefuse() {
        MutationRequest request =
                new MutationRequest("orders", List.of(item(1, 3), item(2, 4)), null, "order-7", Map.of("batch", "b1"));
        EntryId id = IDS.next();
        Envelope marker = Mutations.marker(request, id, NOW, NOW, null);
        byte[] bytes = EnvelopeCodec.encode(marker);
        assertThat(EnvelopeCodec.decode(bytes)).isEqualTo(marker);
        assertThat(EnvelopeCodec.decode(bytes).mutation()).isEqualTo(new MutationRef(2, 7));
        try {
            assertThat(LogEnvelope.parseFrom(bytes).getFormat()).isEqualTo(EnvelopeCodec.MUTATION_FORMAT);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThatThrownBy(() -> marker.withPayload(new byte[1])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anEnvelopeThatClaimsTheMutationFormatWithoutAMutationIsRefused() throws Exception {
        Envelope plain = Envelope.accept(item(1, 2), IDS.next(), NOW, NOW, null);
        byte[] lying = LogEnvelope.parseFrom(EnvelopeCodec.encode(plain)).toBuilder()
                .setFormat(EnvelopeCodec.MUTATION_FORMAT)
                .build()
                .toByteArray();
        assertThatThrownBy(() -> EnvelopeCodec.decode(lying))
                .isInstanceOf(EnvelopeCodec.MalformedEnvelopeException.class);
    }

    @Test
    void anItemIsAppliedAsAnEntryOfItsOwnWithTheMarkersTimesAndHeadersUnderItsOwn() {
        MutationRequest request = new MutationRequest(
                "orders", List.of(item(0, 0), item(1, 5)), null, null, Map.of("batch", "b1", "n", "mutation"));
        EntryId id = IDS.next();
        Envelope marker =
                Mutations.marker(request, id, NOW, NOW.plusSeconds(30), null).retryAt(NOW.plusSeconds(60));
        MutationItem stored = Mutations.decode(
                        Mutations.chunks(request.items()).get(0).bytes())
                .get(1);
        Envelope applied = Mutations.item(marker, 1, stored);
        assertThat(applied.id()).isEqualTo(Mutations.itemId(id, 1));
        assertThat(applied.attempt()).isEqualTo(2);
        assertThat(applied.deliverAt()).isEqualTo(marker.deliverAt());
        assertThat(applied.target()).isEqualTo(new TargetOverride("k1", TargetOp.PUT, Map.of("table", "t1")));
        assertThat(applied.partitionKey()).isEqualTo("p1");
        assertThat(applied.payload()).hasSize(5);
        assertThat(applied.contentType()).isEqualTo("application/json");
        assertThat(applied.headers()).containsEntry("batch", "b1").containsEntry("n", "1");
        assertThat(applied.mutation()).isNull();
        assertThat(new String(applied.payload(), StandardCharsets.UTF_8)).hasSize(5);
    }
}
