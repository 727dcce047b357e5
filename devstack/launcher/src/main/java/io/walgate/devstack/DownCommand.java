package io.walgate.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code walgate down}: stops a running {@code walgate up} from another terminal, and kills what a
 * crashed one left behind. Both are recognised by the records they left (pid and start time), so
 * a recycled pid is never hit and a server that rewrote its command line (Redis) is still found.
 */
@Command(
        name = "down",
        mixinStandardHelpOptions = true,
        description = "Stop a platform started elsewhere, and kill anything a crashed run left behind.")
final class DownCommand implements Callable<Integer> {
    @Mixin
    DataDirOption dataDir;

    @Override
    public Integer call() {
        Path root = dataDir.path();
        if (DataFolder.kind(root) == DataFolder.Kind.FOREIGN) {
            // Reaping deletes server.pid files: not in a folder that is not a devstack's.
            System.out.println("Nothing was running in " + root + " (not a Walgate data folder).");
            return Main.OK;
        }
        boolean stopped = false;
        Optional<ProcessHandle> launcher = Main.runningLauncher(root);
        if (launcher.isPresent()) {
            System.out.println("Stopping the devstack (pid " + launcher.get().pid() + ") …");
            ChildProcess.signal(launcher.get().pid(), "TERM");
            try {
                launcher.get().onExit().get(90, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("walgate: the launcher did not stop within 90 s; killing what is left");
            }
            stopped = true;
        }
        List<String> reaped = DataFolder.reap(root);
        if (!reaped.isEmpty()) {
            System.out.println("Killed servers left behind: " + String.join(", ", reaped));
        }
        try {
            Files.deleteIfExists(root.resolve(Devstack.STATE_FILE));
            Files.deleteIfExists(root.resolve(Main.LAUNCHER_PID));
        } catch (IOException e) {
            // harmless: both are checked against live processes before use
        }
        System.out.println(stopped || !reaped.isEmpty() ? "Stopped." : "Nothing was running in " + root + ".");
        return Main.OK;
    }
}
