package io.walgate.devstack;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The devstack's command line, behind {@code ./walgate}: {@code up}, {@code down}, {@code status},
 * {@code restart SERVER} and {@code test}. The usage text is picocli's, generated from the
 * annotations of these commands: {@code ./walgate --help}, {@code ./walgate up --help}.
 */
@Command(
        name = "walgate",
        mixinStandardHelpOptions = true,
        version = "walgate 0.1.0",
        description = "Runs the Walgate platform on this machine: real servers on loopback as child processes,"
                + " and Walgate's own services on top of them.",
        exitCodeOnInvalidInput = Main.USAGE,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:ok",
            "1:usage (an unknown command, option or server)",
            "2:could not start, or some server does not answer (status), or could not restart",
            "3:not running (status, restart)"
        },
        subcommands = {UpCommand.class, DownCommand.class, StatusCommand.class, RestartCommand.class, TestCommand.class
        })
public final class Main implements Runnable {
    static final int OK = 0;
    static final int USAGE = 1;
    static final int FAILED = 2;
    static final int NOT_RUNNING = 3;

    static final String LAUNCHER_PID = DataFolder.LAUNCHER_PID;
    static final String LAUNCHER_LOCK = DataFolder.LAUNCHER_LOCK;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // No command: the usage, as an error (a script that forgot its command should notice).
        spec.commandLine().usage(System.err);
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the launcher and returns its exit code (tests call this). */
    static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** The parser with the launcher's error handling, for {@link #execute} and for parsing tests. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof DevstackException) {
                System.err.println("walgate: " + e.getMessage());
                return FAILED;
            }
            throw e; // a bug: the stack trace helps report it
        });
        cli.setParameterExceptionHandler((e, args) -> {
            System.err.println("walgate: " + e.getMessage() + " (see: "
                    + e.getCommandLine().getCommandSpec().qualifiedName() + " --help)");
            return USAGE;
        });
        return cli;
    }

    /** The launcher running on {@code root}, recognised by its record (pid and start time). */
    static Optional<ProcessHandle> runningLauncher(Path root) {
        return ProcessRecord.live(root.resolve(LAUNCHER_PID), Main.class.getName());
    }

    static Optional<Integer> portOf(String endpoint) {
        try {
            String withScheme = endpoint.contains("://") ? endpoint.replaceFirst("^jdbc:", "") : "tcp://" + endpoint;
            int port = URI.create(withScheme).getPort();
            return port > 0 ? Optional.of(port) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * The endpoints of {@code devstack.env} by server, in the order written: {@code redis} ->
     * {@code WALGATE_REDIS_URL=…}. Empty when there is no state file.
     */
    static Map<String, Map<String, String>> readServers(Path file) {
        Map<String, Map<String, String>> servers = new LinkedHashMap<>();
        Map<String, String> current = null;
        try {
            for (String line : Files.readAllLines(file)) {
                int eq = line.indexOf('=');
                if (line.startsWith(Devstack.SERVER_LINE)) {
                    current = servers.computeIfAbsent(
                            line.substring(Devstack.SERVER_LINE.length()).trim(), k -> new LinkedHashMap<>());
                } else if (current != null
                        && !line.startsWith("#")
                        && eq > 0
                        && !line.startsWith("WALGATE_DEVSTACK_PID")) {
                    current.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        } catch (IOException e) {
            // no state file: not running
        }
        return servers;
    }
}
