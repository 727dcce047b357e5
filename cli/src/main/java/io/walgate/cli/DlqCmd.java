package io.walgate.cli;

import static io.walgate.cli.NsCmd.encode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code walctl dlq}: a namespace's dead letters, for its operators (docs/operations.md). */
@Command(
        name = "dlq",
        description = "A namespace's dead letters: list, show, discard, purge and replay them; rebuild their index.",
        mixinStandardHelpOptions = true,
        subcommands = {
            DlqCmd.Ls.class,
            DlqCmd.Show.class,
            DlqCmd.Discard.class,
            DlqCmd.Purge.class,
            DlqCmd.Reindex.class,
            ReplayCmd.Replay.class,
            ReplayCmd.Jobs.class,
            ReplayCmd.Job.class
        })
final class DlqCmd {
    private DlqCmd() {}

    static final List<String> HEADERS = List.of("ENTRY", "REGION", "CODE", "ATTEMPTS", "DEAD AT", "KEY", "MESSAGE");

    /** The filters the listing and a purge share. */
    static final class Filters {
        @Option(names = "--region", description = "Only this region's.")
        String region;

        @Option(names = "--code", description = "Only those that died with this error code, e.g. HTTP_400.")
        String code;

        @Option(names = "--key", description = "Only those with this partition key or target key.")
        String key;

        @Option(names = "--since", description = "Only those dead at or after this instant (ISO-8601).")
        String since;

        @Option(names = "--until", description = "Only those dead before this instant (ISO-8601).")
        String until;

        String query() {
            StringBuilder q = new StringBuilder();
            param(q, "region", region);
            param(q, "errorCode", code);
            param(q, "key", key);
            param(q, "since", since);
            param(q, "until", until);
            return q.toString();
        }

        void into(ObjectNode body) {
            body.put("region", region)
                    .put("errorCode", code)
                    .put("key", key)
                    .put("since", since)
                    .put("until", until);
        }

        private static void param(StringBuilder q, String name, String value) {
            if (value != null) {
                q.append('&').append(name).append('=').append(encode(value));
            }
        }
    }

    static List<String> row(JsonNode d) {
        String key =
                d.path("targetKey").isTextual() ? d.path("targetKey").asText() : Output.text(d.path("partitionKey"));
        String message = d.path("lastError").path("message").asText("");
        return List.of(
                Output.text(d.path("entryId")),
                Output.text(d.path("region")),
                Output.text(d.path("lastError").path("code")),
                Output.text(d.path("attempts")),
                Output.text(d.path("deadAt")),
                key,
                message.length() > 60 ? message.substring(0, 57) + "..." : message);
    }

    @Command(
            name = "ls",
            aliases = "list",
            description = "Dead letters, newest first.",
            mixinStandardHelpOptions = true)
    static final class Ls implements Runnable {
        @Mixin
        Global global;

        @Parameters(paramLabel = "NAMESPACE")
        String namespace;

        @ArgGroup(exclusive = false)
        Filters filters = new Filters();

        @Option(names = "--limit", defaultValue = "100", description = "At most this many (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public void run() {
            ArrayNode all = global.controller()
                    .pages(path(namespace) + "?pageSize=" + Math.min(500, Math.max(1, limit)) + filters.query(), limit);
            List<List<String>> rows = new ArrayList<>();
            all.forEach(d -> rows.add(row(d)));
            global.out().print(all, HEADERS, rows);
        }
    }

    @Command(
            name = "show",
            description = "One entry's dead letter with its history; with --payload also its payload (as text when"
                    + " its content type is JSON or text/*, else base64).",
            mixinStandardHelpOptions = true)
    static final class Show implements Runnable {
        @Mixin
        Global global;

        @Parameters(index = "0", paramLabel = "NAMESPACE")
        String namespace;

        @Parameters(index = "1", paramLabel = "ENTRY_ID")
        String entryId;

        @Option(names = "--region", description = "The dead letter of this region (default: the newest).")
        String region;

        @Option(names = "--payload", description = "Also read its contents from the DLQ (may be personal data).")
        boolean payload;

        @Override
        public void run() {
            String query = (payload ? "?include=payload" : "?") + (region == null ? "" : "&region=" + encode(region));
            JsonNode d = global.controller()
                    .get(path(namespace) + "/" + encode(entryId) + query)
                    .body();
            List<List<String>> rows = new ArrayList<>(List.of(
                    List.of("entry", Output.text(d.path("entryId"))),
                    List.of("region", Output.text(d.path("region"))),
                    List.of("attempts", Output.text(d.path("attempts"))),
                    List.of("accepted at", Output.text(d.path("acceptedAt"))),
                    List.of("dead at", Output.text(d.path("deadAt"))),
                    List.of("first error", failure(d.path("firstError"))),
                    List.of("last error", failure(d.path("lastError"))),
                    List.of("partition key", Output.text(d.path("partitionKey"))),
                    List.of("target key", Output.text(d.path("targetKey"))),
                    List.of("in", location(d.path("location")))));
            JsonNode entry = d.path("entry");
            if (entry.isObject()) {
                rows.add(List.of("payload", contents(entry)));
            }
            global.out().print(d, List.of("FIELD", "VALUE"), rows);
        }

        private static String failure(JsonNode f) {
            return Output.text(f.path("code")) + ": " + f.path("message").asText("");
        }

        private static String location(JsonNode l) {
            return l.path("messageId").isTextual()
                    ? l.path("dlq").asText() + " message " + l.path("messageId").asText()
                    : l.path("dlq").asText() + " partition "
                            + l.path("partition").asText() + " offset "
                            + l.path("offset").asText();
        }

        private static String contents(JsonNode entry) {
            if (entry.path("missing").isTextual()) {
                return entry.path("missing").asText();
            }
            if (entry.path("payloadRef").isObject() && !entry.path("payload").isTextual()) {
                return "stored aside (" + entry.path("payloadRef").path("size").asText() + " bytes): "
                        + entry.path("payloadUnavailable").asText("not shown");
            }
            if (entry.path("record").isTextual()) {
                return "not an envelope (base64): " + entry.path("record").asText();
            }
            String payload = entry.path("payload").asText("");
            String type = entry.path("contentType").asText("");
            if (type.startsWith("application/json") || type.startsWith("text/")) {
                try {
                    return StandardCharsets.UTF_8
                            .newDecoder()
                            .decode(ByteBuffer.wrap(Base64.getDecoder().decode(payload)))
                            .toString();
                } catch (CharacterCodingException | IllegalArgumentException e) {
                    // not text after all: shown as it came
                }
            }
            return "(base64) " + payload;
        }
    }

    @Command(
            name = "discard",
            description = "Discard one entry's dead letter (SQS: the message is deleted; Kafka: the index marks it,"
                    + " the topic keeps it until retention). Audited with --reason.",
            mixinStandardHelpOptions = true)
    static final class Discard implements Runnable {
        @Mixin
        Global global;

        @Parameters(index = "0", paramLabel = "NAMESPACE")
        String namespace;

        @Parameters(index = "1", paramLabel = "ENTRY_ID")
        String entryId;

        @Option(names = "--region", description = "Only its dead letter of this region (default: every region's).")
        String region;

        @Option(names = "--reason", required = true, description = "Why, for the audit log.")
        String reason;

        @Override
        public void run() {
            String query = "?reason=" + encode(reason) + (region == null ? "" : "&region=" + encode(region));
            JsonNode result = global.controller()
                    .send("DELETE", path(namespace) + "/" + encode(entryId) + query, null, null)
                    .body();
            printResult(global, result);
        }
    }

    @Command(
            name = "purge",
            description = "Discard every dead letter the filters match (all of the namespace's without filters)."
                    + " --dry-run counts them; otherwise --yes and --reason are required.",
            mixinStandardHelpOptions = true)
    static final class Purge implements Runnable {
        @Mixin
        Global global;

        @Parameters(paramLabel = "NAMESPACE")
        String namespace;

        @ArgGroup(exclusive = false)
        Filters filters = new Filters();

        @Option(names = "--dry-run", description = "Count what would be discarded; change nothing.")
        boolean dryRun;

        @Option(names = "--yes", description = "Yes, discard them.")
        boolean yes;

        @Option(names = "--reason", description = "Why, for the audit log (required unless --dry-run).")
        String reason;

        @Override
        public void run() {
            if (!dryRun && !yes) {
                throw new CliException(
                        CliException.USAGE, "purge discards dead letters for good: add --yes (or --dry-run to count)");
            }
            if (!dryRun && reason == null) {
                throw new CliException(CliException.USAGE, "purge needs --reason, for the audit log");
            }
            ObjectNode body = Api.JSON.createObjectNode();
            filters.into(body);
            body.put("dryRun", dryRun).put("reason", reason);
            JsonNode result = global.controller()
                    .send("POST", path(namespace) + ":purge", body, null)
                    .body();
            printResult(global, result);
        }
    }

    @Command(
            name = "reindex",
            description = "Rebuild the namespace's dead-letter index from its DLQ: adds what the index misses"
                    + " (after walgate_dead_letter_index_failures_total grew, or a database restore).",
            mixinStandardHelpOptions = true)
    static final class Reindex implements Runnable {
        @Mixin
        Global global;

        @Parameters(paramLabel = "NAMESPACE")
        String namespace;

        @Override
        public void run() {
            JsonNode r = global.controller()
                    .send("POST", path(namespace) + ":reindex", null, null)
                    .body();
            global.out()
                    .print(
                            r,
                            List.of("SCANNED", "ADDED"),
                            List.of(List.of(Output.text(r.path("scanned")), Output.text(r.path("added")))));
        }
    }

    private static void printResult(Global global, JsonNode r) {
        List<List<String>> rows = List.of(List.of(
                Output.text(r.path("dryRun")),
                Output.text(r.path("matched")),
                Output.text(r.path("discarded")),
                Output.text(r.path("notRemoved"))));
        global.out().print(r, List.of("DRY RUN", "MATCHED", "DISCARDED", "NOT REMOVED"), rows);
    }

    private static String path(String namespace) {
        return "/v1/namespaces/" + encode(namespace) + "/dead-letters";
    }
}
