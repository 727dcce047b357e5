package io.walgate.terraform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

/**
 * Terraform's values in MessagePack (Terraform's {@code object-wire-format.md}): objects and maps
 * as maps, lists as arrays, unknown values as extension type 0 (any extension is read as unknown:
 * newer Terraforms add refinements to some). Numbers arrive as integers, floats or decimal strings
 * and are read into {@link BigDecimal}; they are written as integers when whole, else as decimal
 * strings, so that Terraform reads back exactly the number it sent ({@code 0.2} is no float64).
 *
 * <p>Writing follows the type: every attribute of an object is written, null when the value has
 * none, because Terraform refuses an object with an attribute missing.
 */
final class Msgpack {
    private Msgpack() {}

    static byte[] encode(TfType type, Object value) {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            write(p, type, value);
            return p.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Object decode(TfType type, byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return null;
        }
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(bytes)) {
            return read(u, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(MessageBufferPacker p, TfType type, Object value) throws IOException {
        if (value == null) {
            p.packNil();
            return;
        }
        if (value == Unknown.VALUE) {
            p.packExtensionTypeHeader((byte) 0, 0);
            return;
        }
        if (type instanceof TfType.Primitive prim) {
            writePrimitive(p, prim, value);
        } else if (type instanceof TfType.ListOf list) {
            List<?> items = (List<?>) value;
            p.packArrayHeader(items.size());
            for (Object item : items) {
                write(p, list.element(), item);
            }
        } else if (type instanceof TfType.MapOf map) {
            Map<?, ?> entries = (Map<?, ?>) value;
            p.packMapHeader(entries.size());
            for (Map.Entry<?, ?> e : entries.entrySet()) {
                p.packString((String) e.getKey());
                write(p, map.element(), e.getValue());
            }
        } else {
            Map<?, ?> attributes = (Map<?, ?>) value;
            TfType.ObjectOf object = (TfType.ObjectOf) type;
            p.packMapHeader(object.attributes().size());
            for (Map.Entry<String, TfType> a : object.attributes().entrySet()) {
                p.packString(a.getKey());
                write(p, a.getValue(), attributes.get(a.getKey()));
            }
        }
    }

    private static void writePrimitive(MessageBufferPacker p, TfType.Primitive type, Object value) throws IOException {
        switch (type) {
            case STRING -> p.packString(value.toString());
            case BOOL -> p.packBoolean((Boolean) value);
            case NUMBER -> {
                BigDecimal n = number(value);
                BigDecimal whole = n.stripTrailingZeros();
                if (whole.scale() <= 0 && whole.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0) {
                    p.packLong(whole.longValueExact());
                } else {
                    p.packString(n.toPlainString());
                }
            }
        }
    }

    /** A number as the value tree holds it: a BigDecimal, or the decimal string it arrived as. */
    static BigDecimal number(Object value) {
        if (value instanceof BigDecimal d) {
            return d;
        }
        if (value instanceof Number n) {
            return new BigDecimal(n.toString());
        }
        return new BigDecimal(value.toString());
    }

    private static Object read(MessageUnpacker u, TfType type) throws IOException {
        ValueType next = u.getNextFormat().getValueType();
        if (next == ValueType.NIL) {
            u.unpackNil();
            return null;
        }
        if (next == ValueType.EXTENSION) {
            u.skipValue();
            return Unknown.VALUE;
        }
        if (type instanceof TfType.Primitive prim) {
            return readPrimitive(u, prim, next);
        }
        if (type instanceof TfType.ListOf list) {
            int n = u.unpackArrayHeader();
            List<Object> items = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                items.add(read(u, list.element()));
            }
            return items;
        }
        int n = u.unpackMapHeader();
        Map<String, Object> entries = new LinkedHashMap<>();
        if (type instanceof TfType.MapOf map) {
            for (int i = 0; i < n; i++) {
                String key = u.unpackString();
                entries.put(key, read(u, map.element()));
            }
            return entries;
        }
        TfType.ObjectOf object = (TfType.ObjectOf) type;
        object.attributes().keySet().forEach(a -> entries.put(a, null));
        for (int i = 0; i < n; i++) {
            String key = u.unpackString();
            TfType attributeType = object.attributes().get(key);
            if (attributeType == null) {
                u.skipValue(); // an attribute of a newer schema: not ours to keep
            } else {
                entries.put(key, read(u, attributeType));
            }
        }
        return entries;
    }

    private static Object readPrimitive(MessageUnpacker u, TfType.Primitive type, ValueType next) throws IOException {
        return switch (type) {
            case STRING -> u.unpackString();
            case BOOL -> u.unpackBoolean();
            case NUMBER ->
                switch (next) {
                    case INTEGER -> new BigDecimal(u.unpackBigInteger());
                    case FLOAT -> new BigDecimal(u.unpackDouble()); // the float64's exact value, as Terraform holds it
                    case STRING -> new BigDecimal(u.unpackString());
                    default -> throw new IOException("a number was expected, got " + next);
                };
        };
    }
}
