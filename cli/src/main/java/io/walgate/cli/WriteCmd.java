package io.walgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "write",
        description = {
            "Write entries to a namespace through the gateway and print each entry's id and durable.",
            "One entry from --data or --file; otherwise JSON lines on stdin, one entry each, in the REST body"
                    + " format ({\"payload\": base64} or {\"json\": …}, partitionKey, idempotencyKey, lifecycle,"
                    + " target, headers), sent in batches of 100. Flags fill what a line leaves out.",
            "Exits 7 if any entry is not durable."
        },
        mixinStandardHelpOptions = true)
final class WriteCmd implements Runnable {
    private static final int BATCH = 100;

    @Mixin
    Global global;

    @Parameters(paramLabel = "NAMESPACE")
    String namespace;

    @Option(names = "--data", description = "The payload, as text.")
    String data;

    @Option(names = "--file", description = "The payload, the bytes of this file.")
    Path file;

    @Option(names = "--key", description = "Partition key (entries of one key are delivered in order).")
    String key;

    @Option(names = "--delay", description = "Deliver no earlier than this from now, ISO-8601 (PT30S).")
    String delay;

    @Option(names = "--deliver-at", description = "Deliver no earlier than this instant (2026-12-01T08:00:00Z).")
    String deliverAt;

    @Option(
            names = "--idempotency-key",
            description = "A repeat with this key inside the dedup window is written once.")
    String idempotencyKey;

    @Option(names = "--content-type", description = "MIME type of the payload.")
    String contentType;

    @Override
    public void run() {
        if (data != null && file != null) {
            throw new CliException(CliException.USAGE, "give --data or --file, not both");
        }
        Api gateway = global.gateway();
        String path = "/v1/namespaces/" + NsCmd.encode(namespace) + "/entries";
        ArrayNode results = Api.JSON.createArrayNode();
        if (data != null || file != null) {
            byte[] payload = data != null ? data.getBytes(StandardCharsets.UTF_8) : readFile(file);
            ObjectNode entry = Api.JSON
                    .createObjectNode()
                    .put("payload", Base64.getEncoder().encodeToString(payload));
            results.add(gateway.send("POST", path, withFlags(entry), null).body());
        } else {
            writeLines(gateway, path + "/batch", results);
        }
        List<List<String>> rows = new ArrayList<>();
        boolean allDurable = true;
        for (JsonNode r : results) {
            allDurable &= "TRUE".equals(r.path("durable").asText());
            rows.add(List.of(
                    Output.text(r.path("entryId")),
                    Output.text(r.path("durable")),
                    r.path("repeat").asBoolean() ? "repeat" : Output.text(r.path("code")),
                    r.path("message").isMissingNode() ? "" : r.path("message").asText()));
        }
        global.out()
                .print(
                        results.size() == 1 ? results.get(0) : results,
                        List.of("ENTRY ID", "DURABLE", "CODE", "MESSAGE"),
                        rows);
        if (!allDurable) {
            long failed = 0;
            for (JsonNode r : results) {
                failed += "TRUE".equals(r.path("durable").asText()) ? 0 : 1;
            }
            throw new CliException(CliException.NOT_DURABLE, failed + " of " + results.size() + " entries not durable");
        }
    }

    private void writeLines(Api gateway, String path, ArrayNode results) {
        boolean progress = System.console() != null;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        ArrayNode batch = Api.JSON.createArrayNode();
        int line = 0;
        try {
            for (String text = in.readLine(); text != null; text = in.readLine()) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                JsonNode entry;
                try {
                    entry = Api.JSON.readTree(text);
                } catch (IOException e) {
                    throw new CliException(
                            CliException.USAGE,
                            "stdin line " + line + " is not JSON: " + Contexts.firstLine(e.getMessage()));
                }
                if (!entry.isObject()) {
                    throw new CliException(CliException.USAGE, "stdin line " + line + " is not a JSON object");
                }
                batch.add(withFlags((ObjectNode) entry));
                if (batch.size() == BATCH) {
                    send(gateway, path, batch, results, progress);
                    batch = Api.JSON.createArrayNode();
                }
            }
        } catch (IOException e) {
            throw new CliException(CliException.USAGE, "cannot read stdin: " + e.getMessage());
        }
        if (!batch.isEmpty()) {
            send(gateway, path, batch, results, progress);
        }
        if (progress) {
            System.err.println();
        }
        if (results.isEmpty()) {
            throw new CliException(CliException.USAGE, "nothing to write: give --data, --file or JSON lines on stdin");
        }
    }

    private static void send(Api gateway, String path, ArrayNode batch, ArrayNode results, boolean progress) {
        ObjectNode body = Api.JSON.createObjectNode();
        body.set("entries", batch);
        gateway.send("POST", path, body, null).body().forEach(results::add);
        if (progress) {
            System.err.print("\rwritten " + results.size() + " entries");
        }
    }

    private ObjectNode withFlags(ObjectNode entry) {
        if (key != null && !entry.has("partitionKey")) {
            entry.put("partitionKey", key);
        }
        if (idempotencyKey != null && !entry.has("idempotencyKey")) {
            entry.put("idempotencyKey", idempotencyKey);
        }
        if (contentType != null && !entry.has("contentType")) {
            entry.put("contentType", contentType);
        }
        if ((delay != null || deliverAt != null) && !entry.has("lifecycle")) {
            ObjectNode lifecycle = entry.putObject("lifecycle");
            if (delay != null) {
                lifecycle.put("delay", delay);
            }
            if (deliverAt != null) {
                lifecycle.put("deliverAt", deliverAt);
            }
        }
        return entry;
    }

    private static byte[] readFile(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CliException(CliException.USAGE, "cannot read " + file + ": " + e.getMessage());
        }
    }
}
