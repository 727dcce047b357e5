package io.walgate.cli;

import static io.walgate.cli.NsCmd.encode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Replay jobs (docs/operations.md): {@code walctl dlq replay}, {@code walctl dlq jobs}, {@code
 * walctl dlq job}, and {@code walctl replay-log}.
 */
final class ReplayCmd {
    private ReplayCmd() {}

    static final List<String> HEADERS = List.of(
            "JOB", "KIND", "STATE", "MATCHED", "REPLAYED", "SKIPPED", "FAILED", "RATE", "ACTOR", "CREATED", "MESSAGE");
    private static final Set<String> ENDED = Set.of("SUCCEEDED", "FAILED", "CANCELLED");
    /** How long {@code --wait} rides out a controller that does not answer. */
    private static final Duration UNANSWERED = Duration.ofMinutes(2);

    static List<String> row(JsonNode j) {
        return List.of(
                Output.text(j.path("id")),
                Output.text(j.path("kind")),
                Output.text(j.path("state")) + (j.path("dryRun").asBoolean() ? " (dry run)" : ""),
                Output.text(j.path("matched")),
                Output.text(j.path("replayed")),
                Output.text(j.path("skipped")),
                Output.text(j.path("failed")),
                Output.text(j.path("ratePerSecond")) + "/s",
                Output.text(j.path("actor")),
                Output.text(j.path("createdAt")),
                j.path("message").asText(""));
    }

    /** What replays and their jobs share: waiting for the end, and printing. */
    static final class Waiting {
        @Option(names = "--wait", description = "Wait for the job to end, showing its progress on a terminal.")
        boolean wait;

        @Option(names = "--rate", description = "Entries put back per second (the controller's default: 50).")
        Integer rate;

        @Option(names = "--dry-run", description = "Count what would be replayed; change nothing.")
        boolean dryRun;
    }

    static void started(Global global, String namespace, JsonNode job, boolean wait) {
        boolean waited = wait && !ENDED.contains(job.path("state").asText()) && !isPaused(job);
        if (waited) {
            job = waitFor(global, namespace, job);
        }
        global.out().print(job, HEADERS, List.of(row(job)));
        String state = job.path("state").asText();
        if (waited && (state.equals("FAILED") || state.equals("CANCELLED"))) {
            throw new CliException(
                    CliException.JOB_FAILED,
                    "replay job " + job.path("id").asText() + " ended " + state + ": "
                            + job.path("message").asText("cancelled"));
        }
    }

    private static boolean isPaused(JsonNode job) {
        return job.path("state").asText().equals("PAUSED");
    }

    /**
     * Polls the job until it ends or is paused; on a terminal, a progress bar on stderr. A controller
     * that does not answer for a while (a restart: the job survives it) is waited for, up to {@link
     * #UNANSWERED}.
     */
    private static JsonNode waitFor(Global global, String namespace, JsonNode job) {
        String path = jobs(namespace) + "/" + job.path("id").asText();
        boolean terminal = System.console() != null;
        PrintStream err = System.err;
        Instant start = Instant.now();
        Instant answered = start;
        long startCount = job.path("replayed").asLong() + job.path("skipped").asLong();
        while (!ENDED.contains(job.path("state").asText()) && !isPaused(job)) {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            try {
                job = global.controller().get(path).body();
                answered = Instant.now();
            } catch (CliException e) {
                if (e.exitCode() != CliException.UNAVAILABLE
                        || Duration.between(answered, Instant.now()).compareTo(UNANSWERED) > 0) {
                    throw e;
                }
                continue;
            }
            if (terminal) {
                err.print("\r" + progress(job, Duration.between(start, Instant.now()), startCount));
            }
        }
        if (terminal) {
            err.println();
        }
        return job;
    }

    /** {@code [#####.....] 120/400  replayed 118  failed 0  49.8/s  ETA 6s  RUNNING}. */
    static String progress(JsonNode job, Duration elapsed, long startCount) {
        long matched = Math.max(1, job.path("matched").asLong());
        long done = job.path("replayed").asLong()
                + job.path("skipped").asLong()
                + job.path("failed").asLong();
        int width = 30;
        int filled = (int) Math.min(width, done * width / matched);
        double seconds = Math.max(0.001, elapsed.toMillis() / 1000.0);
        double rate = (job.path("replayed").asLong() + job.path("skipped").asLong() - startCount) / seconds;
        String eta = rate <= 0 ? "?" : Math.round((matched - done) / rate) + "s";
        return String.format(
                "[%s%s] %d/%d  replayed %d  failed %d  %.1f/s  ETA %s  %s   ",
                "#".repeat(filled),
                ".".repeat(width - filled),
                done,
                job.path("matched").asLong(),
                job.path("replayed").asLong(),
                job.path("failed").asLong(),
                rate,
                eta,
                job.path("state").asText());
    }

    @Command(
            name = "replay",
            description = "Put dead letters back on the namespace's log (all of them without filters), at --rate"
                    + " per second, each for the region it died in, under its own entry id.",
            mixinStandardHelpOptions = true)
    static final class Replay implements Runnable {
        @Mixin
        Global global;

        @Parameters(paramLabel = "NAMESPACE")
        String namespace;

        @ArgGroup(exclusive = false)
        DlqCmd.Filters filters = new DlqCmd.Filters();

        @Option(names = "--id", description = "Only these entries (repeatable).")
        List<String> ids = new ArrayList<>();

        @Option(
                names = "--keep-attempts",
                description = "Count the attempts so far: a letter that fails again goes back to the DLQ after one"
                        + " more attempt (default: the retry policy starts afresh).")
        boolean keepAttempts;

        @Mixin
        Waiting waiting = new Waiting();

        @Override
        public void run() {
            ObjectNode body = Api.JSON.createObjectNode();
            filters.into(body);
            if (!ids.isEmpty()) {
                ids.forEach(body.putArray("entryIds")::add);
            }
            body.put("dryRun", waiting.dryRun).put("attempts", keepAttempts ? "keep" : "reset");
            if (waiting.rate != null) {
                body.put("ratePerSecond", waiting.rate);
            }
            JsonNode job = global.controller()
                    .send("POST", jobs(namespace), body, null)
                    .body();
            started(global, namespace, job, waiting.wait);
        }
    }

    @Command(name = "jobs", description = "The namespace's replay jobs, newest first.", mixinStandardHelpOptions = true)
    static final class Jobs implements Runnable {
        @Mixin
        Global global;

        @Parameters(paramLabel = "NAMESPACE")
        String namespace;

        @Override
        public void run() {
            JsonNode all =
                    global.controller().get(jobs(namespace) + "?pageSize=100").body();
            List<List<String>> rows = new ArrayList<>();
            all.forEach(j -> rows.add(row(j)));
            global.out().print(all, HEADERS, rows);
        }
    }

    @Command(
            name = "job",
            description = "One replay job; --pause, --resume or --cancel it, --wait for its end.",
            mixinStandardHelpOptions = true)
    static final class Job implements Runnable {
        @Mixin
        Global global;

        @Parameters(index = "0", paramLabel = "NAMESPACE")
        String namespace;

        @Parameters(index = "1", paramLabel = "JOB")
        String id;

        @ArgGroup(exclusive = true)
        Action action;

        static final class Action {
            @Option(names = "--pause", required = true)
            boolean pause;

            @Option(names = "--resume", required = true)
            boolean resume;

            @Option(names = "--cancel", required = true)
            boolean cancel;
        }

        @Option(
                names = "--wait",
                description = "Wait for the job to end (or pause), showing its progress on a terminal.")
        boolean wait;

        @Override
        public void run() {
            String path = jobs(namespace) + "/" + encode(id);
            JsonNode job = action == null
                    ? global.controller().get(path).body()
                    : global.controller()
                            .send(
                                    "POST",
                                    path + "/" + (action.pause ? "pause" : action.resume ? "resume" : "cancel"),
                                    null,
                                    null)
                            .body();
            started(global, namespace, job, wait);
        }
    }

    @Command(
            name = "replay-log",
            description = "Repair a target from the log: apply again to one region's target the entries the"
                    + " namespace's Kafka log holds from --from to --to, but those of --skip.",
            mixinStandardHelpOptions = true)
    static final class Log implements Runnable {
        @Mixin
        Global global;

        @Parameters(paramLabel = "NAMESPACE")
        String namespace;

        @Option(names = "--from", required = true, description = "Entries logged at or after (ISO-8601).")
        String from;

        @Option(names = "--to", required = true, description = "Entries logged before (ISO-8601).")
        String to;

        @Option(names = "--region", description = "The region to repair (required with more than one).")
        String region;

        @Option(names = "--skip", description = "An entry not to apply again (repeatable).")
        List<String> skip = new ArrayList<>();

        @Mixin
        Waiting waiting = new Waiting();

        @Override
        public void run() {
            ObjectNode body = Api.JSON.createObjectNode();
            body.put("from", from).put("to", to).put("region", region).put("dryRun", waiting.dryRun);
            skip.forEach(body.putArray("skip")::add);
            if (waiting.rate != null) {
                body.put("ratePerSecond", waiting.rate);
            }
            JsonNode job = global.controller()
                    .send("POST", "/v1/namespaces/" + encode(namespace) + "/log-replays", body, null)
                    .body();
            started(global, namespace, job, waiting.wait);
        }
    }

    private static String jobs(String namespace) {
        return "/v1/namespaces/" + encode(namespace) + "/replays";
    }
}
