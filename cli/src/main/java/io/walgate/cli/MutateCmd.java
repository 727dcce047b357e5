package io.walgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "mutate",
        description = {
            "Write a set of items that all take effect (MutateItems): stored by the gateway, then applied in order"
                    + " by the workers.",
            "Items are JSON lines (from -f FILE, or stdin), one item each, shaped like a write's body without"
                    + " namespace, lifecycle or idempotencyKey: {\"json\": …} or {\"payload\": base64}, target"
                    + " {key, op, options}, partitionKey, headers, contentType.",
            "Prints the mutation id; with --wait, follows it until it is applied (exit 8 if it is dead-lettered).",
            "Exits 6 if it is refused as invalid, 5 if the gateway or its log failed (repeat it with the same"
                    + " --idempotency-key when the message says durable UNKNOWN)."
        },
        mixinStandardHelpOptions = true)
final class MutateCmd implements Runnable {
    @Mixin
    Global global;

    @Parameters(paramLabel = "NAMESPACE")
    String namespace;

    @Option(
            names = {"-f", "--file"},
            description = "The items, as JSON lines; - or absent: stdin.")
    String file;

    @Option(
            names = "--idempotency-key",
            description = "A repeat with this key completes or reports the first call, never a second mutation.")
    String idempotencyKey;

    @Option(names = "--delay", description = "Apply no earlier than this from now, ISO-8601 (PT30S).")
    String delay;

    @Option(names = "--wait", description = "Follow the mutation until every region applied it.")
    boolean await;

    @Override
    public void run() {
        ObjectNode body = Api.JSON.createObjectNode();
        body.set("items", items());
        if (idempotencyKey != null) {
            body.put("idempotencyKey", idempotencyKey);
        }
        if (delay != null) {
            body.putObject("lifecycle").put("delay", delay);
        }
        Api gateway = global.gateway();
        // A refusal exits as every command's does (6 invalid, 3 paused, …); a failure of the
        // gateway or its backend exits 5 and says durable UNKNOWN when the call should be repeated.
        JsonNode answer;
        try {
            answer = gateway.send("POST", MutationCmd.path(namespace, null), body, null)
                    .body();
        } catch (CliException e) {
            if (idempotencyKey == null && e.getMessage().contains("durable UNKNOWN")) {
                // Without a key, running it again would make a second mutation.
                throw new CliException(
                        e.exitCode(),
                        e.getMessage().replace("retry with the same idempotency key", "its outcome is unknown")
                                + "; this call had no --idempotency-key, so do not simply run it again: look the"
                                + " mutation up with walctl mutation");
            }
            throw e;
        }
        global.out()
                .print(
                        answer,
                        List.of("MUTATION ID", "DURABLE", "ITEMS", "REPEAT"),
                        List.of(List.of(
                                Output.text(answer.path("mutationId")),
                                Output.text(answer.path("durable")),
                                Output.text(answer.path("itemCount")),
                                answer.path("repeat").asBoolean() ? "repeat" : "")));
        if (await) {
            MutationCmd.follow(
                    global, gateway, namespace, answer.path("mutationId").asText());
        }
    }

    private ArrayNode items() {
        ArrayNode items = Api.JSON.createArrayNode();
        try (BufferedReader in = new BufferedReader(reader())) {
            int line = 0;
            for (String text = in.readLine(); text != null; text = in.readLine()) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                JsonNode item;
                try {
                    item = Api.JSON.readTree(text);
                } catch (IOException e) {
                    throw new CliException(
                            CliException.USAGE,
                            where() + " line " + line + " is not JSON: " + Contexts.firstLine(e.getMessage()));
                }
                if (!item.isObject()) {
                    throw new CliException(CliException.USAGE, where() + " line " + line + " is not a JSON object");
                }
                items.add(item);
            }
        } catch (IOException e) {
            throw new CliException(CliException.USAGE, "cannot read " + where() + ": " + e.getMessage());
        }
        if (items.isEmpty()) {
            throw new CliException(CliException.USAGE, "no items in " + where() + ": one JSON object per line");
        }
        return items;
    }

    private Reader reader() throws IOException {
        return file == null || file.equals("-")
                ? new InputStreamReader(System.in, StandardCharsets.UTF_8)
                : Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8);
    }

    private String where() {
        return file == null || file.equals("-") ? "stdin" : file;
    }
}
