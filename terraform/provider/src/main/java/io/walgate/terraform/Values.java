package io.walgate.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Terraform values of the schema's attributes, to and from the controller's JSON, and compared the
 * way the controller compares them: {@code retry.max_backoff = "P1D"} is the {@code "PT24H"} the
 * controller prints back, {@code kafka} its {@code KAFKA}, {@code 2} its {@code 2.0}. Object
 * attributes are snake_case here and camelCase there; map keys (regions, options) are kept as
 * they are.
 */
final class Values {
    private static final JsonNodeFactory JSON = JsonNodeFactory.withExactBigDecimals(true);

    private Values() {}

    static String camel(String snake) {
        StringBuilder s = new StringBuilder();
        boolean up = false;
        for (char c : snake.toCharArray()) {
            if (c == '_') {
                up = true;
            } else {
                s.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return s.toString();
    }

    /** The attributes of {@code value} that {@code attributes} declare and that are set, as JSON. */
    static ObjectNode toJson(List<Attr> attributes, Map<?, ?> value) {
        ObjectNode out = JSON.objectNode();
        for (Attr a : attributes) {
            Object v = value.get(a.name());
            if (v != null) {
                out.set(camel(a.name()), toJson(a, v));
            }
        }
        return out;
    }

    private static JsonNode toJson(Attr a, Object v) {
        return switch (a.nesting()) {
            case NONE -> plainToJson(a.plainType(), v);
            case SINGLE -> toJson(a.nested(), (Map<?, ?>) v);
            case MAP -> {
                ObjectNode m = JSON.objectNode();
                ((Map<?, ?>) v)
                        .forEach((k, item) -> m.set(
                                (String) k, item == null ? JSON.nullNode() : toJson(a.nested(), (Map<?, ?>) item)));
                yield m;
            }
            case LIST -> {
                ArrayNode l = JSON.arrayNode();
                ((List<?>) v)
                        .forEach(item -> l.add(item == null ? JSON.nullNode() : toJson(a.nested(), (Map<?, ?>) item)));
                yield l;
            }
        };
    }

    private static JsonNode plainToJson(TfType type, Object v) {
        if (v == null) {
            return JSON.nullNode();
        }
        if (type == TfType.STRING) {
            return JSON.textNode(v.toString());
        }
        if (type == TfType.BOOL) {
            return JSON.booleanNode((Boolean) v);
        }
        if (type == TfType.NUMBER) {
            BigDecimal n = Msgpack.number(v);
            BigDecimal whole = n.stripTrailingZeros();
            return whole.scale() <= 0 ? JSON.numberNode(whole.toBigIntegerExact()) : JSON.numberNode(n);
        }
        if (type instanceof TfType.ListOf list) {
            ArrayNode l = JSON.arrayNode();
            ((List<?>) v).forEach(item -> l.add(plainToJson(list.element(), item)));
            return l;
        }
        TfType element = ((TfType.MapOf) type).element();
        ObjectNode m = JSON.objectNode();
        ((Map<?, ?>) v).forEach((k, item) -> m.set((String) k, plainToJson(element, item)));
        return m;
    }

    /** The attributes {@code attributes} declare, read from the controller's JSON; absent ones null. */
    static Map<String, Object> fromJson(List<Attr> attributes, JsonNode json) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Attr a : attributes) {
            out.put(a.name(), fromJson(a, json == null ? null : json.get(camel(a.name()))));
        }
        return out;
    }

    private static Object fromJson(Attr a, JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return null;
        }
        return switch (a.nesting()) {
            case NONE -> fromJsonValue(a.plainType(), v);
            case SINGLE -> fromJson(a.nested(), v);
            case MAP -> {
                Map<String, Object> m = new LinkedHashMap<>();
                v.fields().forEachRemaining(e -> m.put(e.getKey(), fromJson(a.nested(), e.getValue())));
                yield m;
            }
            case LIST -> {
                List<Object> l = new ArrayList<>();
                v.forEach(item -> l.add(fromJson(a.nested(), item)));
                yield l;
            }
        };
    }

    /**
     * A value of {@code type} from JSON: the controller's plain values, and Terraform's JSON state
     * (schema upgrades, JSON-encoded values), whose objects carry every attribute by name.
     */
    static Object fromJsonValue(TfType type, JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return null;
        }
        if (type == TfType.STRING) {
            return v.asText();
        }
        if (type == TfType.BOOL) {
            return v.asBoolean();
        }
        if (type == TfType.NUMBER) {
            return v.isNumber() ? v.decimalValue() : new BigDecimal(v.asText());
        }
        if (type instanceof TfType.ListOf list) {
            List<Object> l = new ArrayList<>();
            v.forEach(item -> l.add(fromJsonValue(list.element(), item)));
            return l;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        if (type instanceof TfType.MapOf map) {
            v.fields().forEachRemaining(e -> m.put(e.getKey(), fromJsonValue(map.element(), e.getValue())));
            return m;
        }
        ((TfType.ObjectOf) type).attributes().forEach((name, t) -> m.put(name, fromJsonValue(t, v.get(name))));
        return m;
    }

    /** Whether two values of {@code a} mean the same to the controller. */
    static boolean same(Attr a, Object x, Object y) {
        if (x == null || y == null || x == Unknown.VALUE || y == Unknown.VALUE) {
            return x == y && x != Unknown.VALUE;
        }
        return switch (a.nesting()) {
            case NONE -> samePlain(a, a.plainType(), x, y);
            case SINGLE -> sameObject(a.nested(), x, y);
            case MAP -> {
                Map<?, ?> mx = (Map<?, ?>) x;
                Map<?, ?> my = (Map<?, ?>) y;
                yield mx.keySet().equals(my.keySet())
                        && mx.keySet().stream().allMatch(k -> sameObject(a.nested(), mx.get(k), my.get(k)));
            }
            case LIST -> {
                List<?> lx = (List<?>) x;
                List<?> ly = (List<?>) y;
                boolean same = lx.size() == ly.size();
                for (int i = 0; same && i < lx.size(); i++) {
                    same = sameObject(a.nested(), lx.get(i), ly.get(i));
                }
                yield same;
            }
        };
    }

    /** Whether two objects of {@code attributes} mean the same; an unknown is never the same as anything. */
    static boolean sameObject(List<Attr> attributes, Object x, Object y) {
        if (!(x instanceof Map<?, ?> mx) || !(y instanceof Map<?, ?> my)) {
            return x == y && x != Unknown.VALUE;
        }
        return attributes.stream().allMatch(a -> same(a, mx.get(a.name()), my.get(a.name())));
    }

    private static boolean samePlain(Attr a, TfType type, Object x, Object y) {
        if (x == null || y == null) {
            return x == y;
        }
        if (type == TfType.NUMBER) {
            return Msgpack.number(x).compareTo(Msgpack.number(y)) == 0;
        }
        if (type == TfType.STRING) {
            return switch (a.semantics()) {
                case EXACT -> x.equals(y);
                case ENUM -> x.toString().equalsIgnoreCase(y.toString());
                case DURATION -> x.equals(y) || Objects.equals(duration(x), duration(y)) && duration(x) != null;
            };
        }
        if (type instanceof TfType.ListOf list) {
            List<?> lx = (List<?>) x;
            List<?> ly = (List<?>) y;
            boolean same = lx.size() == ly.size();
            for (int i = 0; same && i < lx.size(); i++) {
                same = samePlain(a, list.element(), lx.get(i), ly.get(i));
            }
            return same;
        }
        if (type instanceof TfType.MapOf map) {
            Map<?, ?> mx = (Map<?, ?>) x;
            Map<?, ?> my = (Map<?, ?>) y;
            return mx.keySet().equals(my.keySet())
                    && mx.keySet().stream().allMatch(k -> samePlain(a, map.element(), mx.get(k), my.get(k)));
        }
        return x.equals(y);
    }

    /** An ISO-8601 duration ({@code P7D}, {@code PT30S}), or null when {@code v} is none. */
    static Duration duration(Object v) {
        try {
            return Duration.parse(v.toString());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * {@code remote}, written as {@code prior} wrote it wherever the two mean the same: a state
     * that said {@code P7D} keeps saying so while the controller keeps {@code PT168H}, and a real
     * change still shows.
     */
    static Object keepSpelling(Attr a, Object prior, Object remote) {
        if (prior == null || remote == null || Unknown.within(prior)) {
            return remote;
        }
        if (same(a, prior, remote)) {
            return prior;
        }
        return switch (a.nesting()) {
            case SINGLE ->
                prior instanceof Map<?, ?> p && remote instanceof Map<?, ?> r ? keepSpelling(a.nested(), p, r) : remote;
            case MAP -> {
                Map<?, ?> p = (Map<?, ?>) prior;
                Map<String, Object> out = new LinkedHashMap<>();
                ((Map<?, ?>) remote)
                        .forEach((k, v) -> out.put(
                                (String) k,
                                p.get(k) instanceof Map<?, ?> pk && v instanceof Map<?, ?> rv
                                        ? keepSpelling(a.nested(), pk, rv)
                                        : v));
                yield out;
            }
            default -> remote;
        };
    }

    static Map<String, Object> keepSpelling(List<Attr> attributes, Map<?, ?> prior, Map<?, ?> remote) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Attr a : attributes) {
            out.put(a.name(), keepSpelling(a, prior == null ? null : prior.get(a.name()), remote.get(a.name())));
        }
        return out;
    }

    /** {@code planned} with each unknown in it replaced by what the controller made of it. */
    static Object settle(Object planned, Object remote) {
        if (planned == Unknown.VALUE) {
            return remote;
        }
        if (planned instanceof Map<?, ?> p && remote instanceof Map<?, ?> r && Unknown.within(planned)) {
            Map<String, Object> out = new LinkedHashMap<>();
            p.forEach((k, v) -> out.put((String) k, settle(v, r.get(k))));
            return out;
        }
        return planned;
    }
}
