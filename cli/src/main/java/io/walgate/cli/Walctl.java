package io.walgate.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code walctl}: namespaces, writes and contexts of a Walgate platform, from the command line. */
@Command(
        name = "walctl",
        mixinStandardHelpOptions = true,
        version = "walctl 0.1.0",
        description = "The command line of Walgate: namespaces, writes, dead letters and contexts.",
        exitCodeOnInvalidInput = CliException.USAGE,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:ok",
            "1:usage (a bad flag, a bad file, a bad context)",
            "2:not found",
            "3:conflict (exists, changed by someone else since read)",
            "4:not authenticated or not allowed",
            "5:server unavailable or failing",
            "6:refused as invalid by the server",
            "7:a write was not durable"
        },
        subcommands = {
            NsCmd.class,
            ApplyCmd.class,
            DiffCmd.class,
            WriteCmd.class,
            MutateCmd.class,
            MutationCmd.class,
            StatusCmd.class,
            DlqCmd.class,
            ReplayCmd.Log.class,
            ConfigCmd.class,
            AutoComplete.GenerateCompletion.class
        })
public final class Walctl implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs walctl and returns its exit code (tests call this). */
    static int run(String... args) {
        CommandLine cli = new CommandLine(new Walctl());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof CliException c) {
                System.err.println("walctl: " + c.getMessage());
                return c.exitCode();
            }
            System.err.println("walctl: unexpected error: " + e); // a bug; the stack trace helps report it
            e.printStackTrace(System.err);
            return 70;
        });
        cli.setParameterExceptionHandler((e, args1) -> {
            System.err.println("walctl: " + e.getMessage() + " (see: "
                    + e.getCommandLine().getCommandSpec().qualifiedName() + " --help)");
            return CliException.USAGE;
        });
        return cli.execute(args);
    }
}
