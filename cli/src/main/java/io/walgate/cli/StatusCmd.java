package io.walgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
        name = "status",
        description = "A namespace's provisioning status, state and resources. Delivery lag and DLQ depth appear"
                + " once delivery workers report them.",
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
        shown.putNull("delivery"); // lag and DLQ depth: not reported yet
        List<List<String>> rows = List.of(
                List.of("namespace", Output.text(ns.path("name"))),
                List.of("state", Output.text(ns.path("spec").path("state"))),
                List.of("phase", Output.text(status.path("phase"))),
                List.of("reason", Output.text(status.path("reason"))),
                List.of("version", Output.text(ns.path("version"))),
                List.of("resources", resources.isEmpty() ? "-" : String.join(", ", resources)),
                List.of("lag / DLQ depth", "not reported yet (no delivery workers)"));
        global.out().print(shown, List.of("FIELD", "VALUE"), rows);
    }
}
