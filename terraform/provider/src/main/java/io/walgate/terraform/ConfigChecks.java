package io.walgate.terraform;

import io.walgate.terraform.proto.Tfplugin6.AttributePath;
import java.util.ArrayList;
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
}
