package io.walgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
        name = "status",
        description = "A namespace's provisioning status, state and resources, and, from a delivery worker's"
                + " metrics (--worker), its lag and DLQ depth per region.",
        mixinStandardHelpOptions = true)
final class StatusCmd implements Runnable {
    @Mixin
    Global global;

    @Parameters(paramLabel = "NAMESPACE")
    String namespace;

    @Override
    public void run() {
        JsonNode ns = global.controller()
                .get("/v1/namespaces/" + NsCmd.encode(namespace))
                .body();
        JsonNode status = ns.path("status");
        List<String> resources = new ArrayList<>();
        status.path("resources").forEach(r -> resources.add(Output.text(r.path("name"))));
        ObjectNode shown = Api.JSON.createObjectNode();
        shown.put("name", ns.path("name").asText());
        shown.put("state", ns.path("spec").path("state").asText());
        shown.set("phase", status.path("phase"));
        shown.set("reason", status.path("reason"));
        shown.put("version", ns.path("version").asLong());
        shown.set("resources", Api.JSON.valueToTree(resources));
        Map<String, long[]> delivery = delivery(namespace);
        ObjectNode perRegion = Api.JSON.createObjectNode();
        delivery.forEach(
                (region, v) -> perRegion.putObject(region).put("lag", v[0]).put("deadLetters", v[1]));
        shown.set("delivery", delivery.isEmpty() ? Api.JSON.nullNode() : perRegion);
        List<List<String>> rows = new ArrayList<>(List.of(
                List.of("namespace", Output.text(ns.path("name"))),
                List.of("state", Output.text(ns.path("spec").path("state"))),
                List.of("phase", Output.text(status.path("phase"))),
                List.of("reason", Output.text(status.path("reason"))),
                List.of("version", Output.text(ns.path("version"))),
                List.of("resources", resources.isEmpty() ? "-" : String.join(", ", resources))));
        if (delivery.isEmpty()) {
            rows.add(List.of("lag / DLQ depth", "not reported by the worker at " + global.workerUrl()));
        }
        delivery.forEach((region, v) ->
                rows.add(List.of("lag / DLQ depth (" + region + ")", count(v[0]) + " / " + count(v[1]))));
        JsonNode deadLetters = deadLetters(namespace);
        ObjectNode indexed = Api.JSON.createObjectNode();
        deadLetters.forEach(d -> {
            indexed.putObject(d.path("region").asText())
                    .put("count", d.path("count").asLong())
                    .set("oldestDeadAt", d.path("oldestDeadAt"));
            rows.add(List.of(
                    "dead letters (" + d.path("region").asText() + ")",
                    d.path("count").asLong() + ", oldest "
                            + age(d.path("oldestDeadAt").asText()) + " ago ("
                            + d.path("oldestDeadAt").asText() + ")"));
        });
        if (deadLetters.isArray() && deadLetters.isEmpty()) {
            rows.add(List.of("dead letters", "none"));
        }
        shown.set("deadLetters", deadLetters.isArray() ? indexed : Api.JSON.nullNode());
        global.out().print(shown, List.of("FIELD", "VALUE"), rows);
    }

    /**
     * The dead-letter index's count and oldest per region; a missing node when the caller may not
     * see them (only operators and the admin may), so that status still answers for writers.
     */
    private JsonNode deadLetters(String namespace) {
        try {
            return global.controller()
                    .get("/v1/namespaces/" + NsCmd.encode(namespace) + "/dead-letters/summary")
                    .body();
        } catch (CliException e) {
            return Api.JSON.missingNode();
        }
    }

    /** How long ago {@code instant} was, roughly: 45s, 12m, 3h, 2d. */
    static String age(String instant) {
        try {
            long s = Math.max(
                    0, Duration.between(Instant.parse(instant), Instant.now()).toSeconds());
            return s < 120 ? s + "s" : s < 7200 ? s / 60 + "m" : s < 172_800 ? s / 3600 + "h" : s / 86_400 + "d";
        } catch (RuntimeException e) {
            return "?";
        }
    }

    private static final Pattern GAUGE =
            Pattern.compile("^walgate_delivery_(lag_entries|dead_letters)\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    /**
     * Per region, {lag, dead letters} of {@code namespace} from the worker's Prometheus metrics;
     * empty when the worker is unreachable or does not deliver it. Never fails the command: the
     * controller's answer is the main thing.
     */
    private Map<String, long[]> delivery(String namespace) {
        Map<String, long[]> out = new TreeMap<>();
        String metrics;
        try {
            HttpResponse<String> r = global.httpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(global.workerUrl().replaceAll("/+$", "") + "/q/metrics"))
                                    .timeout(Duration.ofSeconds(3))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return out;
            }
            metrics = r.body();
        } catch (IOException e) {
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return out;
        }
        Matcher m = GAUGE.matcher(metrics);
        while (m.find()) {
            Map<String, String> labels = new HashMap<>();
            Matcher l = LABEL.matcher(m.group(2));
            while (l.find()) {
                labels.put(l.group(1), l.group(2));
            }
            if (!namespace.equals(labels.get("namespace")) || labels.get("region") == null) {
                continue;
            }
            long[] v = out.computeIfAbsent(labels.get("region"), k -> new long[] {-1, -1});
            v[m.group(1).equals("lag_entries") ? 0 : 1] = (long) Double.parseDouble(m.group(3));
        }
        return out;
    }

    private static String count(long n) {
        return n < 0 ? "unknown" : Long.toString(n);
    }
}
