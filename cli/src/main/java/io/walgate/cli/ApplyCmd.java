package io.walgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "apply",
        description = "Create or update each namespace of a file to match it. Prints the plan first (created,"
                + " changed field by field, left alone); a namespace changed by someone else since it was read is"
                + " reported (exit 3), never overwritten.",
        mixinStandardHelpOptions = true)
final class ApplyCmd implements Runnable {
    @Mixin
    Global global;

    @Option(
            names = {"-f", "--file"},
            required = true,
            description = "YAML or JSON, one or several documents; - for stdin.")
    String file;

    @Option(names = "--dry-run", description = "Print the plan only.")
    boolean dryRun;

    @Override
    public void run() {
        Api controller = global.controller();
        List<Planner.Plan> plans = new ArrayList<>();
        for (JsonNode spec : Specs.read(file)) {
            plans.add(Planner.plan(controller, spec));
        }
        Output out = global.out();
        if (out.isTable()) {
            plans.forEach(p -> Planner.describe(p).forEach(System.out::println));
        }
        ArrayNode results = Api.JSON.createArrayNode();
        for (Planner.Plan plan : plans) {
            String result = dryRun ? "planned" : execute(controller, plan);
            results.addObject()
                    .put("name", plan.name())
                    .put("action", plan.action().name().toLowerCase())
                    .put("result", result)
                    .set("changes", changes(plan));
        }
        if (out.isTable()) {
            if (dryRun) {
                System.out.println("(dry run: nothing changed)");
            } else {
                long done = plans.stream()
                        .filter(p -> p.action() != Planner.Action.NONE)
                        .count();
                System.out.println(done == 0 ? "nothing to do" : "applied " + done + " namespace(s)");
            }
        } else {
            out.print(results, List.of(), List.of());
        }
    }

    static String execute(Api controller, Planner.Plan plan) {
        switch (plan.action()) {
            case CREATE -> controller.send("POST", "/v1/namespaces", plan.desired(), null);
            case CHANGE -> {
                try {
                    controller.send("PUT", "/v1/namespaces/" + plan.name(), plan.desired(), plan.etag());
                } catch (CliException e) {
                    if (e.exitCode() == CliException.CONFLICT) {
                        throw new CliException(
                                CliException.CONFLICT,
                                "namespace '" + plan.name() + "' was changed by someone else since walctl read it ("
                                        + e.getMessage() + "); nothing of it was overwritten: run apply again to"
                                        + " see the new plan");
                    }
                    throw e;
                }
            }
            case NONE -> {
                return "unchanged";
            }
        }
        return plan.action() == Planner.Action.CREATE ? "created" : "changed";
    }

    static ArrayNode changes(Planner.Plan plan) {
        ArrayNode changes = Api.JSON.createArrayNode();
        for (Planner.Change c : plan.changes()) {
            changes.addObject().put("field", c.field()).set("before", c.before());
            ((ObjectNode) changes.get(changes.size() - 1)).set("after", c.after());
        }
        return changes;
    }
}
