package io.walgate.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {

    @Test
    void upStartsTheFourCoreServersAndTheThreeServicesByDefaultAndKeycloakOnlyWhenAsked() {
        assertThat(up().components())
                .containsExactly(Component.KAFKA, Component.SQS, Component.POSTGRES, Component.REDIS);
        assertThat(up().services()).containsExactly(ServiceJars.CONTROLLER, ServiceJars.GATEWAY, ServiceJars.WORKER);
        assertThat(up("--with-keycloak").components()).contains(Component.KEYCLOAK);
    }

    @Test
    void onlyChoosesExactlyTheNamedServersAndServices() {
        UpCommand servers = up("--only", "redis,postgres");
        assertThat(servers.components()).containsExactly(Component.POSTGRES, Component.REDIS);
        assertThat(servers.services()).isEmpty();

        UpCommand withController = up("--only", "kafka,sqs,postgres,controller");
        assertThat(withController.services()).containsExactly(ServiceJars.CONTROLLER);
    }

    @Test
    void anUnknownOptionOrServerIsRefusedWithItsName() {
        assertThatThrownBy(() -> parse("up", "--fast")).hasMessageContaining("--fast");
        assertThatThrownBy(() -> parse("up", "--only", "mysql"))
                .hasMessageContaining("mysql")
                .hasMessageContaining("kafka, sqs, postgres, redis, keycloak, controller, gateway, worker");
        assertThatThrownBy(() -> parse("up", "--data-dir")).hasMessageContaining("--data-dir");
        assertThatThrownBy(() -> parse("restart", "mysql")).hasMessageContaining("mysql");
        assertThatThrownBy(() -> parse("restart")).hasMessageContaining("SERVER");
    }

    @Test
    void restartTakesAnyServerOrServiceByItsName() {
        for (String name :
                List.of("kafka", "sqs", "postgres", "redis", "keycloak", "controller", "gateway", "worker")) {
            CommandLine.ParseResult parsed = parse("restart", name);
            assertThat(((RestartCommand) parsed.subcommand().commandSpec().userObject()).server)
                    .isEqualTo(name);
        }
    }

    @Test
    void theUsageNamesEveryCommandAndEveryOptionOfUp() {
        assertThat(usage()).contains("up", "down", "status", "restart", "test", "Exit codes");
        assertThat(usage("up"))
                .contains("--fresh", "--with-keycloak", "--only", "--random-ports", "--data-dir", "--restarts");
        assertThat(usage("restart")).contains("SERVER", "--data-dir");
    }

    @Test
    void noCommandIsAUsageError() {
        assertThat(Main.execute()).isEqualTo(Main.USAGE);
        assertThat(Main.execute("start")).isEqualTo(Main.USAGE);
    }

    @Test
    void statusAndRestartOfAFolderWhereNothingRunsSayNotRunning(@TempDir Path dir) {
        assertThat(Main.execute("status", "--data-dir", dir.toString())).isEqualTo(Main.NOT_RUNNING);
        assertThat(Main.execute("restart", "redis", "--data-dir", dir.toString()))
                .isEqualTo(Main.NOT_RUNNING);
    }

    @Test
    void theStateFileSaysWhoseEachEndpointIs(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("devstack.env");
        Files.writeString(
                file,
                "# Written by the Walgate devstack\n# server keycloak\nWALGATE_OIDC_ISSUER=http://127.0.0.1:8180/realms/walgate\n"
                        + "# server sqs\nWALGATE_SQS_ENDPOINT=http://127.0.0.1:9324\nWALGATE_SQS_REGION=elasticmq\n"
                        + "WALGATE_DEVSTACK_PID=12\n");

        assertThat(Main.readServers(file))
                .containsExactly(
                        Map.entry("keycloak", Map.of("WALGATE_OIDC_ISSUER", "http://127.0.0.1:8180/realms/walgate")),
                        Map.entry(
                                "sqs",
                                Map.of(
                                        "WALGATE_SQS_ENDPOINT",
                                        "http://127.0.0.1:9324",
                                        "WALGATE_SQS_REGION",
                                        "elasticmq")));
        assertThat(Main.readServers(dir.resolve("missing.env"))).isEmpty();
    }

    @Test
    void statusFindsThePortOfEveryKindOfEndpoint() {
        assertThat(Main.portOf("127.0.0.1:9092")).contains(9092);
        assertThat(Main.portOf("http://127.0.0.1:9324")).contains(9324);
        assertThat(Main.portOf("jdbc:postgresql://127.0.0.1:5433/postgres")).contains(5433);
        assertThat(Main.portOf("redis://127.0.0.1:6380")).contains(6380);
        assertThat(Main.portOf("elasticmq")).isEqualTo(Optional.empty());
    }

    private static CommandLine.ParseResult parse(String... args) {
        return Main.commandLine().parseArgs(args);
    }

    private static UpCommand up(String... options) {
        List<String> args = new ArrayList<>(List.of("up"));
        args.addAll(List.of(options));
        return (UpCommand)
                parse(args.toArray(new String[0])).subcommand().commandSpec().userObject();
    }

    private static String usage(String... command) {
        CommandLine cli = Main.commandLine();
        CommandLine target = command.length == 0 ? cli : cli.getSubcommands().get(command[0]);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintWriter writer = new PrintWriter(out, true, StandardCharsets.UTF_8)) {
            target.usage(writer);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
