package io.walgate.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The data sources: one namespace by name ({@code walgate_namespace}), and a listing ({@code walgate_namespaces}). */
final class NamespaceData {
    private NamespaceData() {}

    static Map<String, Object> namespace(ControllerClient controller, Map<?, ?> config, Diags diags) {
        String name = (String) config.get("name");
        if (!NamespaceResource.validName(name)) {
            diags.error("Invalid namespace name", "name: '" + name + "' is no namespace name", Diags.path("name"));
            return null;
        }
        try {
            Map<String, Object> state = NamespaceResource.stateOf(
                    controller.get("/v1/namespaces/" + name).body(), null);
            state.remove("force_destroy");
            return state;
        } catch (ControllerProblem p) {
            if (p.status() == 404) {
                diags.error(
                        "No namespace " + name,
                        "no namespace named '" + name + "' that these credentials may read (NAMESPACE_NOT_FOUND)",
                        Diags.path("name"));
                return null;
            }
            throw p;
        }
    }

    static Map<String, Object> namespaces(ControllerClient controller, Map<?, ?> config) {
        String shard = (String) config.get("shard");
        String state = (String) config.get("state");
        StringBuilder query = new StringBuilder("pageSize=500");
        if (shard != null) {
            query.append("&shard=").append(URLEncoder.encode(shard, StandardCharsets.UTF_8));
        }
        if (state != null) {
            query.append("&state=").append(URLEncoder.encode(state, StandardCharsets.UTF_8));
        }
        List<Object> names = new ArrayList<>();
        List<Object> namespaces = new ArrayList<>();
        String token = null;
        do {
            String path = "/v1/namespaces?" + query
                    + (token == null ? "" : "&pageToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
            JsonNode page = controller.get(path).body();
            for (JsonNode ns : page.path("items")) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("name", ns.path("name").asText());
                item.put("shard", ns.path("spec").path("shard").asText());
                item.put("owner", ns.path("spec").path("owner").asText());
                item.put("state", ns.path("spec").path("state").asText());
                item.put(
                        "backend_type",
                        ns.path("spec").path("backend").path("type").asText());
                item.put(
                        "target_type",
                        ns.path("spec").path("target").path("type").asText());
                item.put("status", ns.path("status").path("phase").asText(null));
                item.put("version", new BigDecimal(ns.path("version").asLong()));
                names.add(ns.path("name").asText());
                namespaces.add(item);
            }
            token = page.path("nextPageToken").asText(null);
        } while (token != null && !token.isEmpty());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", "shard=" + (shard == null ? "*" : shard) + ",state=" + (state == null ? "*" : state));
        out.put("shard", shard);
        out.put("state", state);
        out.put("names", names);
        out.put("namespaces", namespaces);
        return out;
    }
}
