package io.walgate.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import io.walgate.terraform.proto.Tfplugin6.AttributePath;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the provider checks itself, before any controller is asked ({@code terraform validate}
 * works offline): each duration is ISO-8601. Everything else is the controller's to judge, at
 * plan time.
 */
final class ConfigChecks {
    private ConfigChecks() {}

    static void durations(List<Attr> attributes, Map<?, ?> value, Diags diags) {
        if (value != null) {
            walk(attributes, value, new ArrayList<>(), diags);
        }
    }

    private static void walk(List<Attr> attributes, Map<?, ?> value, List<String> at, Diags diags) {
        for (Attr a : attributes) {
            Object v = value.get(a.name());
            if (v == null || v == Unknown.VALUE) {
                continue;
            }
            List<String> here = new ArrayList<>(at);
            here.add(a.name());
            if (a.nesting() == Attr.Nesting.SINGLE) {
                walk(a.nested(), (Map<?, ?>) v, here, diags);
            } else if (a.semantics() == Attr.Semantics.DURATION && Values.duration(v) == null) {
                AttributePath path = Diags.path(here.toArray(String[]::new));
                diags.error(
                        "Invalid duration: INVALID_DURATION",
                        String.join(".", here) + ": '" + v
                                + "' is no ISO-8601 duration; write e.g. PT30S, PT5M, PT1H or"
                                + " P7D (INVALID_DURATION)",
                        path);
            }
        }
    }

    /** A value from Terraform's JSON state (schema upgrades, JSON-encoded values). */
    static Object fromStateJson(TfType type, JsonNode json) {
        if (json == null || json.isNull() || json.isMissingNode()) {
            return null;
        }
        if (type == TfType.STRING) {
            return json.asText();
        }
        if (type == TfType.NUMBER) {
            return json.isNumber() ? json.decimalValue() : new BigDecimal(json.asText());
        }
        if (type == TfType.BOOL) {
            return json.asBoolean();
        }
        if (type instanceof TfType.ListOf list) {
            List<Object> items = new ArrayList<>();
            json.forEach(item -> items.add(fromStateJson(list.element(), item)));
            return items;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        if (type instanceof TfType.MapOf map) {
            json.fields().forEachRemaining(e -> out.put(e.getKey(), fromStateJson(map.element(), e.getValue())));
            return out;
        }
        ((TfType.ObjectOf) type).attributes().forEach((name, t) -> out.put(name, fromStateJson(t, json.get(name))));
        return out;
    }
}
