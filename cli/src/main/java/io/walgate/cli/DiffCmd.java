package io.walgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "diff",
        description = "Show how the namespaces of a file differ from the controller's (the plan of apply)."
                + " Exits 0 whether or not they differ.",
        mixinStandardHelpOptions = true)
final class DiffCmd implements Runnable {
    @Mixin
    Global global;

    @Option(
            names = {"-f", "--file"},
            required = true,
            description = "YAML or JSON, one or several documents; - for stdin.")
    String file;

    @Override
    public void run() {
        Api controller = global.controller();
        ArrayNode results = Api.JSON.createArrayNode();
        for (JsonNode spec : Specs.read(file)) {
            Planner.Plan plan = Planner.plan(controller, spec);
            if (global.out().isTable()) {
                Planner.describe(plan).forEach(System.out::println);
            }
            results.addObject()
                    .put("name", plan.name())
                    .put("action", plan.action().name().toLowerCase())
                    .set("changes", ApplyCmd.changes(plan));
        }
        if (!global.out().isTable()) {
            global.out().print(results, List.of(), List.of());
        }
    }
}
