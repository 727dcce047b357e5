package io.walgate.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * However the devstack ends, it leaves no process of ours behind: after a clean close, after
 * Ctrl-C, after {@code walgate down}, and after a {@code kill -9} of the JVM that started it.
 */
class NoOrphanProcessesIT {
    private static final Duration GONE_WITHIN = Duration.ofSeconds(60);

    @Test
    void closingTheDevstackStopsEveryServer() {
        Devstack devstack = Devstack.builder(Path.of("target", "orphans-close"))
                .with(Component.POSTGRES, Component.REDIS)
                .randomPorts()
                .fresh()
                .build();
        devstack.start();
        List<ProcessHandle> servers = List.of(
                ProcessHandle.of(devstack.postgres().pid().orElseThrow()).orElseThrow(),
                ProcessHandle.of(devstack.redis().pid().orElseThrow()).orElseThrow());
        List<ProcessHandle> all = withDescendants(servers);

        devstack.close();

        assertAllGone(all);
    }

    @Test
    void killMinus9OfTheLauncherTakesEveryServerWithIt() throws Exception {
        Launched launched = launch("orphans-kill9", "kafka,sqs,postgres,redis");

        launched.process.destroyForcibly(); // SIGKILL: no shutdown hook runs

        assertAllGone(launched.descendants);
    }

    @Test
    void ctrlCStopsEveryServerCleanly() throws Exception {
        Launched launched = launch("orphans-ctrlc", "sqs,postgres,redis");

        ChildProcess.signal(launched.process.pid(), "INT");

        assertThat(launched.process.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertAllGone(launched.descendants);
        assertThat(launched.dataDir.resolve(Devstack.STATE_FILE)).doesNotExist();
    }

    @Test
    void walgateDownStopsTheLauncherAndItsServers() throws Exception {
        Launched launched = launch("orphans-down", "postgres,redis");

        Process down = LauncherProcess.java("down", "--data-dir", launched.dataDir.toString())
                .redirectOutput(
                        launched.dataDir.resolveSibling("orphans-down.down.log").toFile())
                .start();

        assertThat(down.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(down.exitValue()).isZero();
        assertAllGone(launched.descendants);
        assertThat(launched.process.isAlive()).isFalse();
    }

    private record Launched(Process process, Path dataDir, List<ProcessHandle> descendants) {}

    /** Runs {@code walgate up} in its own JVM, as the launcher script does, and waits until ready. */
    private static Launched launch(String name, String components) throws IOException {
        LauncherProcess.Up up = LauncherProcess.up(name, "--only", components);
        Process process = up.process();
        List<ProcessHandle> descendants = withDescendants(List.of(process.toHandle()));
        int servers = components.split(",").length;
        assertThat(process.toHandle().children().count())
                .as("one child process per server")
                .isGreaterThanOrEqualTo(servers);
        return new Launched(process, up.dataDir(), descendants);
    }

    private static List<ProcessHandle> withDescendants(List<ProcessHandle> roots) {
        List<ProcessHandle> all = new ArrayList<>(roots);
        roots.forEach(r -> r.descendants().forEach(all::add));
        return all;
    }

    private static void assertAllGone(List<ProcessHandle> processes) {
        await().atMost(GONE_WITHIN)
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(processes.stream().filter(ProcessHandle::isAlive))
                        .as("processes still alive")
                        .isEmpty());
    }
}
