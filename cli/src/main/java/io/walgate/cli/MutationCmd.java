package io.walgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "mutation",
        description = {
            "Show how far a mutation got: PENDING, APPLYING (n of m), APPLIED or DEAD_LETTERED, per region,"
                    + " with the item that failed and how.",
            "With --wait, follows it until it is applied (exit 8 if it is dead-lettered)."
        },
        mixinStandardHelpOptions = true)
final class MutationCmd implements Runnable {
    @Mixin
    Global global;

    @Parameters(index = "0", paramLabel = "NAMESPACE")
    String namespace;

    @Parameters(index = "1", paramLabel = "MUTATION_ID")
    String id;

    @Option(names = "--wait", description = "Follow the mutation until every region applied it.")
    boolean await;

    @Override
    public void run() {
        Api gateway = global.gateway();
        if (await) {
            follow(global, gateway, namespace, id);
        } else {
            print(global, gateway.get(path(namespace, id)).body());
        }
    }

    static String path(String namespace, String id) {
        return "/v1/namespaces/" + NsCmd.encode(namespace) + "/mutations" + (id == null ? "" : "/" + NsCmd.encode(id));
    }

    /** Polls until the mutation is APPLIED (prints it) or DEAD_LETTERED (prints it, exits 8). */
    static void follow(Global global, Api gateway, String namespace, String id) {
        boolean progress = System.console() != null;
        while (true) {
            JsonNode status = gateway.get(path(namespace, id)).body();
            String state = status.path("state").asText();
            if (state.equals("APPLIED") || state.equals("DEAD_LETTERED")) {
                if (progress) {
                    System.err.println();
                }
                print(global, status);
                if (state.equals("DEAD_LETTERED")) {
                    throw new CliException(
                            CliException.JOB_FAILED,
                            "mutation " + id + " is dead-lettered; replay it from the DLQ once the cause is fixed"
                                    + " (walctl dlq replay " + namespace + " --id " + id + ")");
                }
                return;
            }
            if (progress) {
                System.err.print(
                        "\r" + state + " " + status.path("appliedCount").asInt() + " of "
                                + status.path("itemCount").asInt());
            }
            try {
                Thread.sleep(500); // a poll interval, not a synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(CliException.UNAVAILABLE, "interrupted");
            }
        }
    }

    private static void print(Global global, JsonNode status) {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode r : status.path("regions")) {
            rows.add(List.of(
                    Output.text(r.path("region")),
                    Output.text(r.path("state")),
                    r.path("appliedCount").asInt() + "/"
                            + status.path("itemCount").asInt(),
                    Output.text(r.path("attempt")),
                    r.path("failedItem").isNumber()
                            ? "item " + r.path("failedItem").asInt() + ": " + Output.text(r.path("errorCode")) + " "
                                    + Output.text(r.path("errorMessage"))
                            : ""));
        }
        global.out().print(status, List.of("REGION", "STATE", "APPLIED", "ATTEMPT", "LAST FAILURE"), rows);
    }
}
