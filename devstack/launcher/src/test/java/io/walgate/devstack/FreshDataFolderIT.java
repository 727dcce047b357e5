package io.walgate.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code ./walgate up --data-dir <folder> --fresh}, run as the launcher script runs it, on a folder
 * that is not a devstack's: refused in one line, before any server starts or any file is touched.
 */
class FreshDataFolderIT {

    @Test
    void upFreshOnAFolderWithAUsersFileIsRefusedInOneLineAndTouchesNothing() throws Exception {
        Path folder = Path.of("target", "fresh-refused").toAbsolutePath();
        Unpacker.deleteTree(folder);
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("report.txt"), "the only copy");
        Path stderr = Path.of("target", "fresh-refused.err").toAbsolutePath();

        Process up = LauncherProcess.java(
                        "up", "--data-dir", folder.toString(), "--fresh", "--random-ports", "--only", "redis")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(stderr.toFile())
                .start();
        try {
            assertThat(up.waitFor(60, TimeUnit.SECONDS))
                    .as("the launcher gives up instead of starting; its stderr:\n%s", ChildProcess.tail(stderr, 20))
                    .isTrue();
        } finally {
            up.destroyForcibly(); // on a launcher that did start, its watchdogs take redis down with it
        }

        assertThat(up.exitValue()).isEqualTo(2);
        List<String> message = Files.readAllLines(stderr);
        assertThat(message).hasSize(1);
        assertThat(message.get(0))
                .startsWith("walgate: " + folder)
                .contains("not a Walgate data folder")
                .contains("--data-dir");
        try (var entries = Files.list(folder)) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactly("report.txt");
        }
        assertThat(folder.resolve("report.txt")).hasContent("the only copy");
    }
}
