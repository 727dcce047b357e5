package io.walgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "ns",
        aliases = "namespaces",
        description = "List, show, create, delete, pause and resume namespaces.",
        mixinStandardHelpOptions = true,
        subcommands = {
            NsCmd.ListCmd.class,
            NsCmd.Get.class,
            NsCmd.Create.class,
            NsCmd.Delete.class,
            NsCmd.Pause.class,
            NsCmd.Resume.class
        })
final class NsCmd {

    static List<String> row(JsonNode ns) {
        JsonNode spec = ns.path("spec");
        return List.of(
                Output.text(ns.path("name")),
                Output.text(spec.path("state")),
                Output.text(ns.path("status").path("phase")),
                Output.text(spec.path("backend").path("type")),
                Output.text(spec.path("backend").path("topic")),
                Output.text(spec.path("shard")),
                Output.text(ns.path("version")));
    }

    static final List<String> HEADERS = List.of("NAME", "STATE", "PHASE", "BACKEND", "TOPIC", "SHARD", "VERSION");

    @Command(name = "list", description = "Namespaces in name order.", mixinStandardHelpOptions = true)
    static final class ListCmd implements Runnable {
        @Mixin
        Global global;

        @Option(names = "--shard", description = "Only this shard's.")
        String shard;

        @Override
        public void run() {
            ArrayNode all = global.controller()
                    .pages(
                            "/v1/namespaces?pageSize=500" + (shard == null ? "" : "&shard=" + encode(shard)),
                            Integer.MAX_VALUE);
            List<List<String>> rows = new ArrayList<>();
            all.forEach(ns -> rows.add(row(ns)));
            global.out().print(all, HEADERS, rows);
        }
    }

    @Command(
            name = "get",
            description = "One namespace (-o yaml shows the whole spec).",
            mixinStandardHelpOptions = true)
    static final class Get implements Runnable {
        @Mixin
        Global global;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public void run() {
            JsonNode ns =
                    global.controller().get("/v1/namespaces/" + encode(name)).body();
            global.out().print(ns, HEADERS, List.of(row(ns)));
        }
    }

    @Command(
            name = "create",
            description = "Create the namespaces of a file (walctl apply also updates).",
            mixinStandardHelpOptions = true)
    static final class Create implements Runnable {
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
            ArrayNode created = Api.JSON.createArrayNode();
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode spec : Specs.read(file)) {
                JsonNode ns =
                        controller.send("POST", "/v1/namespaces", spec, null).body();
                created.add(ns);
                rows.add(row(ns));
            }
            global.out().print(created, HEADERS, rows);
        }
    }

    @Command(
            name = "delete",
            description = "Delete a namespace: writes are refused at once, its topics or queues go after the"
                    + " controller's grace period. Refused (exit code 3) while its targets have not had every"
                    + " entry, unless --force.",
            mixinStandardHelpOptions = true)
    static final class Delete implements Runnable {
        @Mixin
        Global global;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(
                names = "--force",
                description = "Delete even when entries are not delivered yet: they are dropped with the log.")
        boolean force;

        @Override
        public void run() {
            JsonNode ns = global.controller()
                    .send("DELETE", "/v1/namespaces/" + encode(name) + (force ? "?force=true" : ""), null, null)
                    .body();
            if (global.out().isTable()) {
                System.out.println("namespace '" + name + "' deleted ("
                        + Output.text(ns.path("status").path("reason")) + ")");
            } else {
                global.out().print(ns, List.of(), List.of());
            }
        }
    }

    /** Pause and resume: the same call to a different action. */
    abstract static class StateChange implements Runnable {
        @Mixin
        Global global;

        @Parameters(paramLabel = "NAME")
        String name;

        abstract String action();

        @Override
        public void run() {
            JsonNode ns = global.controller()
                    .send("POST", "/v1/namespaces/" + encode(name) + "/" + action(), null, null)
                    .body();
            global.out().print(ns, HEADERS, List.of(row(ns)));
        }
    }

    @Command(name = "pause", description = "Refuse writes and stop delivery.", mixinStandardHelpOptions = true)
    static final class Pause extends StateChange {
        @Override
        String action() {
            return "pause";
        }
    }

    @Command(name = "resume", description = "Accept writes and deliver again.", mixinStandardHelpOptions = true)
    static final class Resume extends StateChange {
        @Override
        String action() {
            return "resume";
        }
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
