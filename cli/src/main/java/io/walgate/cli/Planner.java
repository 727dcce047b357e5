package io.walgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What {@code apply} would do to one namespace: create it, change it field by field, or leave it.
 * The file's spec is first normalised by the controller ({@code POST /v1/namespaces?dryRun=true}:
 * validation and defaults from the one place that owns them), so a file that spells out fewer
 * fields than the server stores is not reported as a change.
 */
final class Planner {
    enum Action {
        CREATE,
        CHANGE,
        NONE
    }

    /** One line of a change: {@code field: before -> after}. */
    record Change(String field, JsonNode before, JsonNode after) {
        @Override
        public String toString() {
            return field + ": " + show(before) + " -> " + show(after);
        }

        private static String show(JsonNode n) {
            return n == null || n.isMissingNode() ? "(unset)" : n.toString();
        }
    }

    /**
     * @param current the namespace as the controller has it (null when it does not exist)
     * @param etag its version, for the replace
     * @param desired the file's spec, normalised by the controller
     */
    record Plan(String name, Action action, List<Change> changes, JsonNode desired, String etag) {}

    private Planner() {}

    static Plan plan(Api controller, JsonNode fileSpec) {
        String name = fileSpec.path("name").asText();
        JsonNode desired = controller
                .send("POST", "/v1/namespaces?dryRun=true", fileSpec, null)
                .body()
                .path("spec");
        Api.Reply current;
        try {
            current = controller.get("/v1/namespaces/" + name);
        } catch (CliException e) {
            if (e.exitCode() == CliException.NOT_FOUND) {
                return new Plan(name, Action.CREATE, List.of(), desired, null);
            }
            throw e;
        }
        JsonNode before = current.body().path("spec").deepCopy();
        JsonNode after = desired.deepCopy();
        if (!fileSpec.has("state")) {
            // A file without a state keeps the current one: apply never resumes a paused namespace.
            ((ObjectNode) before).remove("state");
            ((ObjectNode) after).remove("state");
        }
        List<Change> changes = new ArrayList<>();
        diff("", before, after, changes);
        return new Plan(name, changes.isEmpty() ? Action.NONE : Action.CHANGE, changes, desired, current.etag());
    }

    static void diff(String path, JsonNode before, JsonNode after, List<Change> out) {
        if (before != null && after != null && before.isObject() && after.isObject()) {
            Set<String> fields = new LinkedHashSet<>();
            before.fieldNames().forEachRemaining(fields::add);
            for (Iterator<String> it = after.fieldNames(); it.hasNext(); ) {
                fields.add(it.next());
            }
            for (String f : fields) {
                diff(path.isEmpty() ? f : path + "." + f, before.get(f), after.get(f), out);
            }
            return;
        }
        if (before == null ? after != null && !after.isNull() : !before.equals(after)) {
            if (!(before != null && before.isNull() && after == null)) {
                out.add(new Change(path, before, after));
            }
        }
    }

    /** The plan as people read it: one line per namespace and one per changed field. */
    static List<String> describe(Plan plan) {
        List<String> lines = new ArrayList<>();
        switch (plan.action()) {
            case CREATE -> lines.add("+ " + plan.name() + ": will be created");
            case NONE -> lines.add("= " + plan.name() + ": no changes");
            case CHANGE -> {
                lines.add("~ " + plan.name() + ": " + plan.changes().size() + " field(s) will change");
                plan.changes().forEach(c -> lines.add("    " + c));
            }
        }
        return lines;
    }
}
