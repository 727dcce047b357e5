package io.walgate.terraform;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Terraform value type, as the plugin protocol spells it in a schema (JSON: {@code "string"},
 * {@code ["list","string"]}, {@code ["object",{...}]}) and as values of it travel in MessagePack.
 */
sealed interface TfType {
    /** The type as a schema attribute declares it (JSON type constraint). */
    String json();

    enum Primitive implements TfType {
        STRING,
        NUMBER,
        BOOL;

        @Override
        public String json() {
            return "\"" + name().toLowerCase() + "\"";
        }
    }

    /** A list; its values are {@code List<Object>}. */
    record ListOf(TfType element) implements TfType {
        @Override
        public String json() {
            return "[\"list\"," + element.json() + "]";
        }
    }

    /** A map with string keys; its values are {@code Map<String, Object>}. */
    record MapOf(TfType element) implements TfType {
        @Override
        public String json() {
            return "[\"map\"," + element.json() + "]";
        }
    }

    /** An object with fixed attributes, in schema order; its values are {@code Map<String, Object>}. */
    record ObjectOf(Map<String, TfType> attributes) implements TfType {
        public ObjectOf {
            attributes = new LinkedHashMap<>(attributes);
        }

        @Override
        public String json() {
            StringBuilder s = new StringBuilder("[\"object\",{");
            attributes.forEach((name, type) -> {
                if (s.charAt(s.length() - 1) != '{') {
                    s.append(',');
                }
                s.append('"').append(name).append("\":").append(type.json());
            });
            return s.append("}]").toString();
        }
    }

    TfType STRING = Primitive.STRING;
    TfType NUMBER = Primitive.NUMBER;
    TfType BOOL = Primitive.BOOL;
    TfType STRINGS = new ListOf(STRING);
    TfType STRING_MAP = new MapOf(STRING);
}
