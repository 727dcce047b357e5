package io.walgate.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code walgate restart SERVER}: one server of a running {@code walgate up}, stopped cleanly and
 * started again with its ports and data, by that launcher's {@link Supervisor} (the server stays
 * that launcher's child, so Ctrl-C and {@code down} still stop it).
 */
@Command(
        name = "restart",
        mixinStandardHelpOptions = true,
        description = "Restart one server of the running platform (whether it runs, crashed or was left down),"
                + " with the same ports and data, and wait until it answers.")
final class RestartCommand implements Callable<Integer> {
    private static final Duration PATIENCE = Duration.ofMinutes(5);

    @Mixin
    DataDirOption dataDir;

    @Parameters(
            paramLabel = "SERVER",
            converter = UpCommand.ServerNameConverter.class,
            description = "kafka, sqs, postgres, redis, keycloak, controller, gateway or worker")
    String server;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path root = dataDir.path();
        Optional<ProcessHandle> launcher = Main.runningLauncher(root);
        if (launcher.isEmpty()) {
            System.err.println("walgate: the devstack is not running in " + root + "; start it with ./walgate up");
            return Main.NOT_RUNNING;
        }
        if (!Main.readServers(root.resolve(Devstack.STATE_FILE)).containsKey(server)) {
            System.err.println("walgate: " + server + " is not part of the devstack running in " + root
                    + " (see ./walgate status" + dataDir.asArgument() + ")");
            return Main.USAGE;
        }
        Path folder = root.resolve(server);
        Path request = folder.resolve(Supervisor.REQUEST);
        Files.writeString(request, "asked by pid " + ProcessHandle.current().pid() + "\n");
        System.out.println("Restarting " + server + " through walgate up (pid "
                + launcher.get().pid() + ") …");
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (Files.exists(request)) {
            if (!launcher.get().isAlive() || System.nanoTime() > deadline) {
                Files.deleteIfExists(request);
                System.err.println("walgate: "
                        + (launcher.get().isAlive()
                                ? "no answer within " + PATIENCE.toMinutes() + " minutes"
                                : "walgate up stopped")
                        + "; " + server + " was not restarted");
                return Main.FAILED;
            }
            Thread.sleep(200); // polling a file another process deletes
        }
        Path failure = folder.resolve(Supervisor.FAILURE);
        if (Files.exists(failure)) {
            System.err.println("walgate: " + server + " did not start again.\n" + Files.readString(failure));
            return Main.FAILED;
        }
        String pid = ProcessRecord.read(folder.resolve("server.pid"))
                .map(r -> Long.toString(r.pid()))
                .orElse("?");
        System.out.println(server + " answers again (pid " + pid + ").");
        return Main.OK;
    }
}
