package io.walgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.walgate.devstack.Ports;
import io.walgate.e2e.FullStack;
import io.walgate.e2e.FullStackExtension;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Namespaces as code with the real walctl jar: files applied, planned and diffed against the
 * packaged controller, and the one clear line a user gets when something is wrong.
 *
 * <p>In package {@code io.walgate.cli} because one scenario drives walctl's own planner to make a
 * stale update happen on purpose.
 */
@ExtendWith(FullStackExtension.class)
class WalctlIT {
    private static final String QUICKSTART = WalctlRunner.checkoutFile("cli/examples/namespaces.yaml");
    private static FullStack stack;
    private static WalctlRunner walctl;

    @BeforeAll
    static void start(FullStack fullStack) throws Exception {
        stack = fullStack;
        walctl = new WalctlRunner(stack, Path.of("target", "walctl-it"));
    }

    /** The values on a topic, read from the start up to its end. */
    private static List<String> onTopic(String topic) {
        return stack.devstack().kafka().topics().toEnd(topic, Duration.ofSeconds(20)).stream()
                .map(r -> new String(r.value(), StandardCharsets.ISO_8859_1))
                .toList();
    }

    @Test
    void theQuickstartCreatesNamespacesFromAFileAndWritesEntriesThatLandOnTheTopic() throws Exception {
        WalctlRunner.Run apply = walctl.walctl("apply", "-f", QUICKSTART);
        assertThat(apply.exit()).as(apply.err()).isZero();
        assertThat(apply.out()).contains("+ orders: will be created").contains("+ jobs: will be created");
        walctl.awaitReady("orders");

        WalctlRunner.Run write = walctl.walctl("write", "orders", "--data", "hello from walctl", "--key", "order-42");
        assertThat(write.exit()).as(write.err()).isZero();
        assertThat(write.out()).containsPattern("[0-9a-f-]{36}\\s+TRUE");
        assertThat(onTopic("wal.orders")).anyMatch(v -> v.contains("hello from walctl"));

        WalctlRunner.Run again = walctl.walctl("apply", "-f", QUICKSTART);
        assertThat(again.exit()).isZero();
        assertThat(again.out())
                .contains("= orders: no changes")
                .contains("= jobs: no changes")
                .contains("nothing to do");
    }

    @Test
    void aChangedFileIsPlannedFieldByFieldAndDryRunChangesNothing() throws Exception {
        Path v1 = Files.writeString(
                walctl.work().resolve("plan-v1.yaml"),
                "name: plan-ns\nowner: a\nbackend: {type: kafka}\n"
                        + "target: {type: http, regions: {local: {url: 'http://127.0.0.1:9'}}}\n");
        assertThat(walctl.walctl("apply", "-f", v1.toString()).exit()).isZero();
        Path v2 = Files.writeString(
                walctl.work().resolve("plan-v2.yaml"),
                "name: plan-ns\nowner: b\nbackend: {type: kafka}\nlimits: {writesPerSecond: 42}\n"
                        + "target: {type: http, regions: {local: {url: 'http://127.0.0.1:9'}}}\n");

        WalctlRunner.Run dry = walctl.walctl("apply", "-f", v2.toString(), "--dry-run");
        assertThat(dry.exit()).isZero();
        assertThat(dry.out())
                .contains("~ plan-ns: 2 field(s) will change")
                .contains("owner: \"a\" -> \"b\"")
                .contains("limits.writesPerSecond: 5000 -> 42")
                .contains("dry run");
        assertThat(walctl.walctl("ns", "get", "plan-ns", "-o", "json")
                        .json()
                        .at("/spec/owner")
                        .asText())
                .isEqualTo("a");

        WalctlRunner.Run diff = walctl.walctl("diff", "-f", v2.toString(), "-o", "json");
        assertThat(diff.json().get(0).path("action").asText()).isEqualTo("change");

        assertThat(walctl.walctl("apply", "-f", v2.toString()).exit()).isZero();
        assertThat(walctl.walctl("ns", "get", "plan-ns", "-o", "yaml").out()).contains("owner: b");
    }

    @Test
    void aStaleUpdateIsRefusedNotOverwritten() throws Exception {
        Path file = Files.writeString(
                walctl.work().resolve("stale.yaml"),
                "name: stale-ns\nowner: a\nbackend: {type: kafka}\n"
                        + "target: {type: http, regions: {local: {url: 'http://127.0.0.1:9'}}}\n");
        assertThat(walctl.walctl("apply", "-f", file.toString()).exit()).isZero();
        Api api = new Api("the controller", stack.controllerUrl(), HttpClient.newHttpClient(), null);
        JsonNode mine = Api.JSON.readTree("{\"name\":\"stale-ns\",\"owner\":\"mine\",\"backend\":{\"type\":\"kafka\"},"
                + "\"target\":{\"type\":\"http\",\"regions\":{\"local\":{\"url\":\"http://127.0.0.1:9\"}}}}");
        Planner.Plan plan = Planner.plan(api, mine);

        // Someone else changes it after walctl read it …
        Path theirs = Files.writeString(
                walctl.work().resolve("stale-theirs.yaml"),
                "name: stale-ns\nowner: theirs\nbackend: {type: kafka}\n"
                        + "target: {type: http, regions: {local: {url: 'http://127.0.0.1:9'}}}\n");
        assertThat(walctl.walctl("apply", "-f", theirs.toString()).exit()).isZero();

        // … so walctl's replace, made with the version it read, is refused and changes nothing.
        try {
            ApplyCmd.execute(api, plan);
            throw new AssertionError("the stale update went through");
        } catch (CliException e) {
            assertThat(e.exitCode()).isEqualTo(CliException.CONFLICT);
            assertThat(e.getMessage()).contains("changed by someone else").contains("run apply again");
        }
        assertThat(walctl.walctl("ns", "get", "stale-ns", "-o", "json")
                        .json()
                        .at("/spec/owner")
                        .asText())
                .isEqualTo("theirs");
    }

    @Test
    void badInputAndBadServersEachGetOneClearLineAndTheirExitCode() throws Exception {
        Path badYaml = Files.writeString(walctl.work().resolve("bad.yaml"), "name: x\n  owner: [unclosed\n");
        WalctlRunner.Run yaml = walctl.walctl("apply", "-f", badYaml.toString());
        assertThat(yaml.exit()).isEqualTo(CliException.USAGE);
        assertThat(yaml.err().strip().lines()).hasSize(1);
        assertThat(yaml.err()).contains("bad.yaml is not valid YAML or JSON");

        Path unknown = Files.writeString(
                walctl.work().resolve("unknown.yaml"),
                "name: unknown-ns\nowner: a\nbackend: {type: kafka}\ncolour: blue\n");
        WalctlRunner.Run field = walctl.walctl("apply", "-f", unknown.toString());
        assertThat(field.exit()).isEqualTo(CliException.INVALID);
        assertThat(field.err().strip().lines()).hasSize(1);
        assertThat(field.err()).contains("UNKNOWN_FIELD").contains("colour");

        WalctlRunner.Run down = walctl.walctl("ns", "list", "--controller", "http://127.0.0.1:" + Ports.free());
        assertThat(down.exit()).isEqualTo(CliException.UNAVAILABLE);
        assertThat(down.err().strip().lines()).hasSize(1);
        assertThat(down.err()).contains("cannot reach the controller");

        WalctlRunner.Run unauthenticated = walctl.walctl("ns", "list", "--controller", stack.securedControllerUrl());
        assertThat(unauthenticated.exit()).isEqualTo(CliException.AUTH);
        assertThat(unauthenticated.err().strip().lines()).hasSize(1);
        assertThat(unauthenticated.err()).contains("UNAUTHENTICATED").contains("--token");

        WalctlRunner.Run missing = walctl.walctl("ns", "get", "no-such-namespace");
        assertThat(missing.exit()).isEqualTo(CliException.NOT_FOUND);
        assertThat(missing.err()).contains("NAMESPACE_NOT_FOUND");

        WalctlRunner.Run usage = walctl.walctl("ns", "frobnicate");
        assertThat(usage.exit()).isEqualTo(CliException.USAGE);
    }

    @Test
    void contextsAreSavedSwitchedAndShownWithSecretsMasked() throws Exception {
        assertThat(walctl.walctl(
                                "config",
                                "set-context",
                                "staging",
                                "--controller",
                                "http://staging:8081",
                                "--client-id",
                                "walgate-admin",
                                "--client-secret",
                                "s3cret",
                                "--token-url",
                                "http://kc/realms/walgate/protocol/openid-connect/token")
                        .exit())
                .isZero();
        assertThat(walctl.walctl("config", "set-context", "local", "--controller", stack.controllerUrl())
                        .exit())
                .isZero();
        assertThat(walctl.walctl("config", "use-context", "local").exit()).isZero();

        WalctlRunner.Run view = walctl.walctl("config", "view", "-o", "yaml");
        assertThat(view.out())
                .contains("currentContext: local")
                .contains("clientSecret: '*****'")
                .doesNotContain("s3cret");
        assertThat(walctl.walctl("config", "use-context", "nowhere").exit()).isEqualTo(CliException.USAGE);
        WalctlRunner.Run list = walctl.walctl("ns", "list", "-o", "json", "--context", "local");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.json().isArray()).isTrue();
    }

    @Test
    void mutateSendsAFileOfItemsAsOneMutationAndMutationFollowsItUntilApplied() throws Exception {
        stack.devstack().postgres().createDatabase("walctl_mutate");
        stack.client()
                .createNamespace("{\"name\":\"walctl-mutate\",\"owner\":\"t\",\"backend\":{\"type\":\"kafka\"},"
                        + "\"target\":{\"type\":\"postgres\",\"regions\":{\"local\":{\"url\":"
                        + "\"postgresql://127.0.0.1:"
                        + stack.devstack().postgres().port()
                        + "/walctl_mutate?user=postgres\"}}}}");
        stack.client().awaitWritable("walctl-mutate");
        Path items = Files.writeString(
                walctl.work().resolve("items.jsonl"),
                "{\"json\": {\"balance\": 90}, \"target\": {\"key\": \"acct-1\"}}\n"
                        + "\n"
                        + "{\"json\": {\"balance\": 110}, \"target\": {\"key\": \"acct-2\"}}\n"
                        + "{\"target\": {\"key\": \"acct-1\", \"op\": \"DELETE\"}}\n");

        WalctlRunner.Run mutate = walctl.walctl(
                "mutate", "walctl-mutate", "-f", items.toString(), "--idempotency-key", "walctl-m1", "--wait");

        assertThat(mutate.exit()).as(mutate.err()).isZero();
        assertThat(mutate.out())
                .containsPattern("[0-9a-f-]{36}\\s+TRUE\\s+3")
                .contains("APPLIED")
                .contains("3/3");
        String id = mutate.out().replaceAll("(?s).*?([0-9a-f]{8}-[0-9a-f-]{27}).*", "$1");
        WalctlRunner.Run status = walctl.walctl("mutation", "walctl-mutate", id, "-o", "json");
        assertThat(status.exit()).as(status.err()).isZero();
        assertThat(status.json().path("state").asText()).isEqualTo("APPLIED");
        assertThat(status.json().path("appliedCount").asInt()).isEqualTo(3);
        try (var db = stack.devstack().postgres().connect("walctl_mutate");
                var rows = db.createStatement()
                        .executeQuery("SELECT key FROM walgate_entries WHERE key LIKE 'acct-%' ORDER BY key")) {
            List<String> keys = new ArrayList<>();
            while (rows.next()) {
                keys.add(rows.getString(1));
            }
            assertThat(keys).as("acct-1 deleted by the last item").containsExactly("acct-2");
        }

        WalctlRunner.Run repeat =
                walctl.walctl("mutate", "walctl-mutate", "-f", items.toString(), "--idempotency-key", "walctl-m1");
        assertThat(repeat.exit()).as(repeat.err()).isZero();
        assertThat(repeat.out()).contains(id).contains("repeat");

        Path bad = Files.writeString(
                walctl.work().resolve("bad-items.jsonl"),
                "{\"json\": 1, \"target\": {\"key\": \"a\", \"op\": \"DELETE\"}}\n");
        WalctlRunner.Run refused = walctl.walctl("mutate", "walctl-mutate", "-f", bad.toString());
        assertThat(refused.exit()).as("invalid").isEqualTo(6);
        assertThat(refused.err()).contains("INVALID_PAYLOAD");
        WalctlRunner.Run empty = walctl.walctl(
                "mutate",
                "walctl-mutate",
                "-f",
                Files.writeString(walctl.work().resolve("empty.jsonl"), "\n").toString());
        assertThat(empty.exit()).isEqualTo(1);
        assertThat(walctl.walctl("mutation", "walctl-mutate", "01a2c1e0-52b4-7c1e-9f0d-3b1f2a6c8d00")
                        .exit())
                .isEqualTo(2);
    }
}
