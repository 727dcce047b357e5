package io.walgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.walgate.devstack.Ports;
import io.walgate.e2e.FullStack;
import io.walgate.e2e.FullStackExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Day-to-day operation with the real walctl jar: writing entries, reading a namespace's status
 * with the worker's lag and dead letters, pausing, and deleting what is not drained yet.
 */
@ExtendWith(FullStackExtension.class)
class WalctlOperationsIT {
    private static WalctlRunner walctl;

    @BeforeAll
    static void start(FullStack stack) throws Exception {
        walctl = new WalctlRunner(stack, Path.of("target", "walctl-operations-it"));
    }

    @Test
    void statusShowsTheWorkersLagAndDeadLettersPerRegion() throws Exception {
        // A target that refuses connections and one attempt: every entry is dead-lettered at once.
        Path file = Files.writeString(
                walctl.work().resolve("status.yaml"),
                "name: status-ns\nowner: a\nbackend: {type: kafka, partitions: 1}\nretry: {maxAttempts: 1}\n"
                        + "target: {type: http, regions: {local: {url: 'http://127.0.0.1:9'}}}\n");
        assertThat(walctl.walctl("apply", "-f", file.toString()).exit()).isZero();
        walctl.awaitReady("status-ns");
        for (int i = 0; i < 2; i++) {
            WalctlRunner.Run write = walctl.walctl("write", "status-ns", "--data", "doomed " + i);
            assertThat(write.exit()).as(write.err()).isZero();
        }

        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            JsonNode delivery =
                    walctl.walctl("status", "status-ns", "-o", "json").json().path("delivery");
            assertThat(delivery.path("local").path("deadLetters").asLong()).isEqualTo(2);
            assertThat(delivery.path("local").path("lag").asLong()).isZero();
        });
        assertThat(walctl.walctl("status", "status-ns").out()).containsPattern("lag / DLQ depth \\(local\\)\\s+0 / 2");

        WalctlRunner.Run noWorker =
                walctl.walctl("status", "status-ns", "--worker", "http://127.0.0.1:" + Ports.free());
        assertThat(noWorker.exit()).as("the controller's answer still counts").isZero();
        assertThat(noWorker.out()).contains("not reported by the worker at http://127.0.0.1:");
    }

    @Test
    void anOperatorListsShowsAndPurgesDeadLettersWithWalctl() throws Exception {
        Path file = Files.writeString(
                walctl.work().resolve("dlq.yaml"),
                "name: dlq-ns\nowner: a\nbackend: {type: kafka, partitions: 2}\nretry: {maxAttempts: 1}\n"
                        + "target: {type: http, regions: {local: {url: 'http://127.0.0.1:9'}}}\n");
        assertThat(walctl.walctl("apply", "-f", file.toString()).exit()).isZero();
        walctl.awaitReady("dlq-ns");
        for (int i = 0; i < 3; i++) {
            WalctlRunner.Run write = walctl.walctl("write", "dlq-ns", "--data", "doomed " + i, "--key", "k" + i);
            assertThat(write.exit()).as(write.err()).isZero();
        }
        await().atMost(Duration.ofSeconds(90))
                .until(() -> walctl.walctl("dlq", "ls", "dlq-ns", "-o", "json")
                                .json()
                                .size()
                        == 3);

        JsonNode k1 = walctl.walctl("dlq", "ls", "dlq-ns", "--key", "k1", "-o", "json")
                .json();
        assertThat(k1).hasSize(1);
        String id = k1.get(0).path("entryId").asText();
        WalctlRunner.Run shown = walctl.walctl("dlq", "show", "dlq-ns", id, "--payload");
        assertThat(shown.exit()).as(shown.err()).isZero();
        assertThat(shown.out())
                .contains(id)
                .contains(
                        "(base64) " + Base64.getEncoder().encodeToString("doomed 1".getBytes(StandardCharsets.UTF_8)));
        WalctlRunner.Run json = walctl.walctl(
                "write", "dlq-ns", "--data", "{\"n\": 1}", "--key", "k3", "--content-type", "application/json");
        assertThat(json.exit()).as(json.err()).isZero();
        await().atMost(Duration.ofSeconds(90))
                .until(() -> walctl.walctl("dlq", "ls", "dlq-ns", "--key", "k3", "-o", "json")
                                .json()
                                .size()
                        == 1);
        String k3 = walctl.walctl("dlq", "ls", "dlq-ns", "--key", "k3", "-o", "json")
                .json()
                .get(0)
                .path("entryId")
                .asText();
        assertThat(walctl.walctl("dlq", "show", "dlq-ns", k3, "--payload").out())
                .as("JSON is shown as text")
                .contains("{\"n\": 1}");
        assertThat(walctl.walctl("status", "dlq-ns").out()).containsPattern("dead letters \\(local\\)\\s+4, oldest");

        WalctlRunner.Run unsure = walctl.walctl("dlq", "purge", "dlq-ns", "--reason", "x");
        assertThat(unsure.exit()).as("no --yes").isEqualTo(CliException.USAGE);
        assertThat(walctl.walctl("dlq", "purge", "dlq-ns", "--dry-run", "-o", "json")
                        .json()
                        .path("matched")
                        .asInt())
                .isEqualTo(4);
        WalctlRunner.Run discarded = walctl.walctl("dlq", "discard", "dlq-ns", id, "--reason", "handled by hand");
        assertThat(discarded.exit()).as(discarded.err()).isZero();
        WalctlRunner.Run purged =
                walctl.walctl("dlq", "purge", "dlq-ns", "--yes", "--reason", "endpoint retired", "-o", "json");
        assertThat(purged.exit()).as(purged.err()).isZero();
        assertThat(purged.json().path("discarded").asInt()).isEqualTo(3);
        assertThat(walctl.walctl("dlq", "ls", "dlq-ns", "-o", "json").json()).isEmpty();
        assertThat(walctl.walctl("dlq", "show", "dlq-ns", id).exit()).isEqualTo(CliException.NOT_FOUND);
        assertThat(walctl.walctl("dlq", "reindex", "dlq-ns", "-o", "json")
                        .json()
                        .path("added")
                        .asInt())
                .as("discarded ones stay discarded")
                .isZero();

        // A replay, waited for: the endpoint still refuses, so the letter dies again, the replay in its history.
        WalctlRunner.Run again = walctl.walctl("write", "dlq-ns", "--data", "once more", "--key", "k9");
        assertThat(again.exit()).as(again.err()).isZero();
        await().atMost(Duration.ofSeconds(90))
                .until(() -> walctl.walctl("dlq", "ls", "dlq-ns", "-o", "json")
                                .json()
                                .size()
                        == 1);
        assertThat(walctl.walctl("dlq", "replay", "dlq-ns", "--dry-run", "-o", "json")
                        .json()
                        .path("matched")
                        .asInt())
                .isEqualTo(1);
        WalctlRunner.Run replayed = walctl.walctl("dlq", "replay", "dlq-ns", "--rate", "5", "--wait", "-o", "json");
        assertThat(replayed.exit()).as(replayed.err()).isZero();
        assertThat(replayed.json().path("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(replayed.json().path("replayed").asInt()).isEqualTo(1);
        String job = replayed.json().path("id").asText();
        assertThat(walctl.walctl("dlq", "jobs", "dlq-ns").out()).contains(job).contains("SUCCEEDED");
        assertThat(walctl.walctl("dlq", "job", "dlq-ns", job, "--cancel").exit())
                .as("an ended job cannot be cancelled")
                .isEqualTo(CliException.CONFLICT);
        await().atMost(Duration.ofSeconds(90))
                .alias("dead again, after its attempt")
                .until(() -> walctl.walctl("dlq", "ls", "dlq-ns", "--key", "k9", "-o", "json")
                                .json()
                                .size()
                        == 1);
        String k9 = walctl.walctl("dlq", "ls", "dlq-ns", "--key", "k9", "-o", "json")
                .json()
                .get(0)
                .path("entryId")
                .asText();
        assertThat(walctl.walctl("dlq", "show", "dlq-ns", k9, "--payload", "-o", "json")
                        .json()
                        .path("entry")
                        .path("replays")
                        .path(0)
                        .path("job")
                        .asText())
                .isEqualTo(job);
    }

    @Test
    void jsonLinesOnStdinAreWrittenInBatchesAndANonDurableEntryFailsTheRun() throws Exception {
        Path file = Files.writeString(
                walctl.work().resolve("lines.yaml"),
                "name: lines-ns\nowner: a\nbackend: {type: kafka}\n"
                        + "target: {type: http, regions: {local: {url: 'http://127.0.0.1:9'}}}\n");
        assertThat(walctl.walctl("apply", "-f", file.toString()).exit()).isZero();
        walctl.awaitReady("lines-ns");
        String lines = "{\"json\":{\"n\":1},\"partitionKey\":\"a\"}\n\n{\"payload\":\"aGk=\"}\n{\"json\":[3]}\n";

        WalctlRunner.Run ok = walctl.piped(lines, "write", "lines-ns", "-o", "json");
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.json())
                .hasSize(3)
                .allSatisfy(r -> assertThat(r.path("durable").asText()).isEqualTo("TRUE"));

        WalctlRunner.Run bad = walctl.piped("{\"payload\":\"aGk=\"}\n{\"payload\":\"!!\"}\n", "write", "lines-ns");
        assertThat(bad.exit()).isEqualTo(CliException.NOT_DURABLE);
        assertThat(bad.out()).contains("TRUE").contains("INVALID_PAYLOAD");
        assertThat(bad.err().strip()).isEqualTo("walctl: 1 of 2 entries not durable");

        WalctlRunner.Run paused = walctl.walctl("ns", "pause", "lines-ns", "-o", "json");
        assertThat(paused.exit()).as(paused.err()).isZero();
        assertThat(paused.json().at("/spec/state").asText()).isEqualTo("PAUSED");
        WalctlRunner.Run refused = walctl.walctl("write", "lines-ns", "--data", "x");
        assertThat(refused.exit()).isEqualTo(CliException.CONFLICT);
        assertThat(refused.err()).contains("NAMESPACE_PAUSED");
        assertThat(walctl.walctl("ns", "resume", "lines-ns").exit()).isZero();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> walctl.walctl("write", "lines-ns", "--data", "x").exit() == 0);
    }

    @Test
    void deletingANamespaceWithUndeliveredEntriesIsAConflictUntilForced() throws Exception {
        // A target that refuses connections and a first retry ten minutes out: the entry stays undelivered.
        Path file = Files.writeString(
                walctl.work().resolve("undrained.yaml"),
                "name: undrained-ns\nowner: a\nbackend: {type: kafka, partitions: 1}\n"
                        + "retry: {maxAttempts: 3, initialBackoff: PT10M, maxBackoff: PT10M}\n"
                        + "target: {type: http, regions: {local: {url: 'http://127.0.0.1:9'}}}\n");
        assertThat(walctl.walctl("apply", "-f", file.toString()).exit()).isZero();
        walctl.awaitReady("undrained-ns");
        WalctlRunner.Run write = walctl.walctl("write", "undrained-ns", "--data", "not yet delivered");
        assertThat(write.exit()).as(write.err()).isZero();

        WalctlRunner.Run refused = walctl.walctl("ns", "delete", "undrained-ns");
        assertThat(refused.exit()).isEqualTo(CliException.CONFLICT);
        assertThat(refused.err().strip().lines()).hasSize(1);
        assertThat(refused.err())
                .contains("NAMESPACE_NOT_DRAINED")
                .contains("local 1")
                .contains("--force");
        assertThat(walctl.walctl("ns", "get", "undrained-ns").exit()).isZero();

        WalctlRunner.Run forced = walctl.walctl("ns", "delete", "--force", "undrained-ns");
        assertThat(forced.exit()).as(forced.err()).isZero();
        assertThat(forced.out()).contains("namespace 'undrained-ns' deleted");
    }
}
