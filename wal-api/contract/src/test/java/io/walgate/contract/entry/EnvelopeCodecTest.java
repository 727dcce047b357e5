package io.walgate.contract.entry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walgate.api.v1.LogEnvelope;
import io.walgate.contract.EntryId;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvelopeCodecTest {
    private static final Instant T = Instant.parse("2026-11-27T12:00:00.123456789Z");

    private static Envelope full() {
        return new Envelope(
                new EntryId.Generator().next(),
                "orders",
                3,
                T.plusSeconds(30),
                T,
                T.minusMillis(5),
                "order-42",
                "c0ffee",
                "application/json",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                Map.of("source", "checkout"),
                new TargetOverride("row-42", TargetOp.PUT, Map.of("table", "orders")),
                "{\"total\":12.5}".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theEncodedSizeIsTheLengthOfTheEncodingWithoutMakingIt() {
        Envelope e = full();
        for (Envelope each : new Envelope[] {
            e,
            e.withPayload(new byte[0]),
            e.withPayload(new byte[200_000]),
            e.withPayload(new byte[0]).withPayloadStored(new PayloadRef(PayloadRef.POSTGRES, 12, new byte[32]))
        }) {
            assertThat(EnvelopeCodec.encodedSize(each)).isEqualTo(EnvelopeCodec.encode(each).length);
        }
    }

    @Test
    void everyFieldSurvivesTheRoundTripToNanoseconds() {
        Envelope e = full();
        assertThat(EnvelopeCodec.decode(EnvelopeCodec.encode(e))).isEqualTo(e);
    }

    @Test
    void absentOptionalFieldsStayAbsentRatherThanBecomingEmptyStrings() {
        Envelope sparse = new Envelope(
                new EntryId.Generator().next(),
                "orders",
                1,
                T,
                T,
                null,
                null,
                null,
                WriteRequest.DEFAULT_CONTENT_TYPE,
                null,
                Map.of(),
                new TargetOverride("k", TargetOp.DELETE, null),
                new byte[0]);
        Envelope back = EnvelopeCodec.decode(EnvelopeCodec.encode(sparse));
        assertThat(back).isEqualTo(sparse);
        assertThat(back.partitionKey()).isNull();
        assertThat(back.idempotencyKey()).isNull();
        assertThat(back.traceparent()).isNull();
        assertThat(back.target().op()).isEqualTo(TargetOp.DELETE);
    }

    @Test
    void aClaimCheckedEntryTravelsWithItsReferenceAndNoBytes() {
        Envelope full = full();
        PayloadRef ref = new PayloadRef(PayloadRef.POSTGRES, full.payload().length, new byte[] {1, 2, 3});
        Envelope stored = full.withPayloadStored(ref);

        Envelope read = EnvelopeCodec.decode(EnvelopeCodec.encode(stored));

        assertThat(read.payloadRef()).isEqualTo(ref);
        assertThat(read.payload()).isEmpty();
        assertThat(read.retryAt(read.deliverAt()).payloadRef())
                .as("a retry keeps the claim check")
                .isEqualTo(ref);
        assertThat(read.withPayload(full.payload())).isEqualTo(full);
        assertThat(EnvelopeCodec.decode(EnvelopeCodec.encode(full)).payloadRef())
                .isNull();
    }

    @Test
    void theFirstAndLastFailureTravelWithTheEntry() {
        Instant first = Instant.parse("2026-11-28T01:00:00.123456789Z");
        Instant last = Instant.parse("2026-11-28T01:05:00Z");
        Envelope failed = full().withFailure("HTTP_503", "upstream down", first)
                .withFailure("HTTP_TIMEOUT", "no answer", last)
                .retryAt(last);

        Envelope read = EnvelopeCodec.decode(EnvelopeCodec.encode(failed));

        assertThat(read.history())
                .isEqualTo(new DeliveryHistory("HTTP_503", "upstream down", first, "HTTP_TIMEOUT", "no answer", last));
        assertThat(read).isEqualTo(failed);
        assertThat(EnvelopeCodec.decode(EnvelopeCodec.encode(full())).history()).isNull();
    }

    @Test
    void aReplayKeepsTheIdAndTheFailuresAddsItselfToTheHistoryAndKeepsOnlyTheNewestTen() {
        Envelope dead = full().withFailure("HTTP_503", "busy", T).retryAt(T).retryAt(T);
        Envelope replayed = dead.replayed(new Replay("job-1", "op@checkout", T.plusSeconds(60)), "west", true);

        Envelope read = EnvelopeCodec.decode(EnvelopeCodec.encode(replayed));

        assertThat(read.id()).isEqualTo(dead.id());
        assertThat(read.attempt()).as("attempts counted afresh").isEqualTo(1);
        assertThat(read.deliverAt()).isEqualTo(T.plusSeconds(60));
        assertThat(read.region()).isEqualTo("west");
        assertThat(read.history()).isEqualTo(dead.history());
        assertThat(read.replays()).containsExactly(new Replay("job-1", "op@checkout", T.plusSeconds(60)));
        assertThat(dead.replayed(new Replay("job-2", "op", T), null, false).attempt())
                .as("attempts kept")
                .isEqualTo(dead.attempt())
                .isGreaterThan(1);

        Envelope often = dead;
        for (int i = 1; i <= 12; i++) {
            often = often.replayed(new Replay("job-" + i, "op", T.plusSeconds(i)), null, true);
        }
        assertThat(EnvelopeCodec.decode(EnvelopeCodec.encode(often)).replays())
                .extracting(Replay::job)
                .containsExactly(
                        "job-3", "job-4", "job-5", "job-6", "job-7", "job-8", "job-9", "job-10", "job-11", "job-12");
    }

    @Test
    void aRetryForOneRegionStaysForThatRegion() {
        Envelope westOnly = full().withFailure("HTTP_503", "busy", T).retryAt(T).forRegion("west");

        Envelope read = EnvelopeCodec.decode(EnvelopeCodec.encode(westOnly));

        assertThat(read.region()).isEqualTo("west");
        assertThat(read.isFor("west")).isTrue();
        assertThat(read.isFor("local")).isFalse();
        assertThat(EnvelopeCodec.decode(EnvelopeCodec.encode(full())).region())
                .as("absent: every region")
                .isNull();
        assertThat(full().isFor("local")).isTrue();
    }

    @Test
    void bytesThatAreNotAnEnvelopeAreRefusedNotGuessed() {
        assertThatThrownBy(() -> EnvelopeCodec.decode("hello".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EnvelopeCodec.MalformedEnvelopeException.class);
        byte[] noId = LogEnvelope.newBuilder()
                .setFormat(1)
                .setNamespace("orders")
                .setAttempt(1)
                .build()
                .toByteArray();
        assertThatThrownBy(() -> EnvelopeCodec.decode(noId))
                .isInstanceOf(EnvelopeCodec.MalformedEnvelopeException.class);
    }

    @Test
    void anEnvelopeOfAFutureFormatIsRefused() throws Exception {
        byte[] future = LogEnvelope.newBuilder(LogEnvelope.parseFrom(EnvelopeCodec.encode(full())))
                .setFormat(2)
                .build()
                .toByteArray();
        assertThatThrownBy(() -> EnvelopeCodec.decode(future))
                .isInstanceOf(EnvelopeCodec.MalformedEnvelopeException.class)
                .hasMessageContaining("format 2");
    }
}
