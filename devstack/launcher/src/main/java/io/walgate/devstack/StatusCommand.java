package io.walgate.devstack;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code walgate status}: whether each endpoint of the running devstack answers, and for each
 * server that does not, the command that restarts it.
 */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Show what runs and whether each endpoint answers; name the restart command of each that does"
                + " not (exit 0 all up, 2 some down, 3 not running).")
final class StatusCommand implements Callable<Integer> {
    @Mixin
    DataDirOption dataDir;

    @Override
    public Integer call() {
        Path root = dataDir.path();
        Map<String, Map<String, String>> servers = Main.readServers(root.resolve(Devstack.STATE_FILE));
        Optional<ProcessHandle> launcher = Main.runningLauncher(root);
        if (servers.isEmpty() || launcher.isEmpty()) {
            System.out.println("The devstack is not running in " + root + ". Start it with ./walgate up");
            return Main.NOT_RUNNING;
        }
        System.out.println("Walgate devstack (pid " + launcher.get().pid() + ", data in " + root + "):");
        Set<String> silent = new LinkedHashSet<>();
        servers.forEach((server, endpoints) -> endpoints.forEach((variable, endpoint) -> {
            Optional<Integer> port = Main.portOf(endpoint);
            if (port.isPresent()) {
                boolean up = Ports.isListening(port.get());
                if (!up) {
                    silent.add(server);
                }
                System.out.printf("  %-26s %-48s %s%n", variable, endpoint, up ? "up" : "NOT ANSWERING");
            }
        }));
        for (String server : silent) {
            System.out.println();
            System.out.println(
                    server + " does not answer. Restart it with: ./walgate restart " + server + dataDir.asArgument());
            System.out.println("  (walgate up restarts a crashed server by itself a few times, then leaves it down;"
                    + " its log: " + root.resolve(server).resolve("server.log") + ")");
        }
        return silent.isEmpty() ? Main.OK : Main.FAILED;
    }
}
