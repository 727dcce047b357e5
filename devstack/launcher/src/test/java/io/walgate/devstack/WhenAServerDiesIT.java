package io.walgate.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What an operator sees and does when a server of a running {@code walgate up} dies: {@code up}
 * restarts it by itself; once it is left down, {@code status} names the command that restarts it
 * and {@code restart} brings it back; and {@code down} finds a stray Redis although Redis
 * rewrote the command line that named its data folder.
 */
class WhenAServerDiesIT {
    private static final Duration PATIENCE = Duration.ofMinutes(2);

    private LauncherProcess.Up up;

    @AfterEach
    void stopTheDevstack() throws Exception {
        if (up != null) {
            LauncherProcess.run("down", "--data-dir", up.dataDir().toString());
            up.process().destroyForcibly();
        }
    }

    @Test
    void upStartsAKilledServerAgainByItself() throws Exception {
        up = LauncherProcess.up("dies-supervised", "--only", "redis");
        ProcessHandle first = up.server("redis");

        first.destroyForcibly();

        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(up.output())
                    .contains("redis (pid " + first.pid() + ") exited with code 137")
                    .contains("redis answers again");
            assertThat(up.server("redis").pid()).isNotEqualTo(first.pid());
            assertThat(Ports.isListening(up.port("redis", "WALGATE_REDIS_URL"))).isTrue();
        });
        assertThat(LauncherProcess.run("status", "--data-dir", up.dataDir().toString())
                        .exitCode())
                .isZero();
    }

    @Test
    void statusNamesTheRestartCommandOfAServerLeftDownAndRestartBringsItBack() throws Exception {
        up = LauncherProcess.up("dies-restart", "--only", "postgres,redis", "--restarts", "0");
        String dataDir = up.dataDir().toString();
        ProcessHandle killed = up.server("redis");

        killed.destroyForcibly();

        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            LauncherProcess.Result status = LauncherProcess.run("status", "--data-dir", dataDir);
            assertThat(status.exitCode()).isEqualTo(Main.FAILED);
            assertThat(status.output())
                    .contains("NOT ANSWERING")
                    .contains("redis does not answer. Restart it with: ./walgate restart redis --data-dir " + dataDir)
                    .doesNotContain("postgres does not answer");
        });

        LauncherProcess.Result restart = LauncherProcess.run("restart", "redis", "--data-dir", dataDir);

        assertThat(restart.exitCode()).as(restart.output()).isZero();
        assertThat(restart.output()).contains("redis answers again");
        assertThat(Ports.isListening(up.port("redis", "WALGATE_REDIS_URL"))).isTrue();
        assertThat(up.server("redis").pid()).isNotEqualTo(killed.pid());
        assertThat(LauncherProcess.run("status", "--data-dir", dataDir).exitCode())
                .isZero();
    }

    @Test
    void restartRefusesAServerTheDevstackDoesNotRun() throws Exception {
        up = LauncherProcess.up("dies-not-ours", "--only", "redis");

        LauncherProcess.Result restart = LauncherProcess.run(
                "restart", "kafka", "--data-dir", up.dataDir().toString());

        assertThat(restart.exitCode()).isEqualTo(Main.USAGE);
        assertThat(restart.output()).contains("kafka is not part of the devstack");
    }

    @Test
    void downStopsAStrayRedisWhoseCommandLineNoLongerNamesItsFolder() throws Exception {
        up = LauncherProcess.up("dies-stray", "--only", "redis");
        ProcessHandle redis = up.server("redis");
        assertThat(ChildProcess.commandLine(redis))
                .as("Redis rewrote its command line")
                .doesNotContain(up.dataDir().toString());
        // A stray: its watchdog gone first, then the launcher killed so that no shutdown hook runs.
        redis.descendants().forEach(ProcessHandle::destroyForcibly);
        up.process().destroyForcibly();
        await().atMost(PATIENCE).until(() -> !up.process().isAlive());
        assertThat(redis.isAlive()).as("Redis outlived its launcher").isTrue();

        LauncherProcess.Result down =
                LauncherProcess.run("down", "--data-dir", up.dataDir().toString());

        assertThat(down.exitCode()).isZero();
        assertThat(down.output()).contains("Killed servers left behind: redis (pid " + redis.pid() + ")");
        await().atMost(PATIENCE).until(() -> !redis.isAlive());
    }
}
