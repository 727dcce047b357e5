package io.walgate.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

class MsgpackTest {
    private static final TfType.ObjectOf TYPE = new TfType.ObjectOf(Map.of(
            "name", TfType.STRING,
            "count", TfType.NUMBER,
            "jitter", TfType.NUMBER,
            "on", TfType.BOOL,
            "tags", TfType.STRINGS,
            "options", TfType.STRING_MAP));

    @Test
    void aValueTravelsThereAndBackUnchanged() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("name", "orders");
        value.put("count", new BigDecimal(12));
        value.put("jitter", new BigDecimal("0.2"));
        value.put("on", true);
        value.put("tags", List.of("a", "b"));
        value.put("options", Map.of("ttl", "PT1H"));

        assertThat(Msgpack.decode(TYPE, Msgpack.encode(TYPE, value))).isEqualTo(value);
    }

    @Test
    void everyAttributeOfAnObjectIsWrittenNullWhenTheValueHasNone() {
        @SuppressWarnings("unchecked")
        Map<String, Object> back =
                (Map<String, Object>) Msgpack.decode(TYPE, Msgpack.encode(TYPE, Map.of("name", "x")));

        assertThat(back).containsOnlyKeys("name", "count", "jitter", "on", "tags", "options");
        assertThat(back.get("count")).isNull();
    }

    @Test
    void unknownValuesAreExtensionZeroAndAnyExtensionReadsAsUnknown() throws Exception {
        byte[] encoded = Msgpack.encode(TfType.STRING, Unknown.VALUE);
        assertThat(encoded[0] & 0xff).as("ext 8").isEqualTo(0xc7);
        assertThat(encoded[2]).as("type 0").isZero();

        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.packExtensionTypeHeader((byte) 12, 1); // a refined unknown of a newer Terraform
            p.writePayload(new byte[] {1});
            assertThat(Msgpack.decode(TfType.NUMBER, p.toByteArray())).isEqualTo(Unknown.VALUE);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void numbersArriveAsIntegersFloatsOrDecimalStringsAndLeaveExact() throws Exception {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.packArrayHeader(3).packLong(7).packDouble(0.5).packString("0.2");
            assertThat((List<Object>) Msgpack.decode(new TfType.ListOf(TfType.NUMBER), p.toByteArray()))
                    .containsExactly(new BigDecimal(7), new BigDecimal("0.5"), new BigDecimal("0.2"));
        }
        // 0.2 is no float64: written as the decimal string, Terraform reads back exactly what it sent.
        byte[] jitter = Msgpack.encode(TfType.NUMBER, new BigDecimal("0.2"));
        assertThat(MessagePack.newDefaultUnpacker(jitter).unpackString()).isEqualTo("0.2");
        byte[] whole = Msgpack.encode(TfType.NUMBER, new BigDecimal("2.0"));
        assertThat(MessagePack.newDefaultUnpacker(whole).unpackLong()).isEqualTo(2);
        assertThat(Arrays.equals(Msgpack.encode(TfType.NUMBER, "5"), Msgpack.encode(TfType.NUMBER, new BigDecimal(5))))
                .isTrue();
    }
}
