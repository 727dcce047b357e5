package io.walgate.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --fresh} wipes a devstack's own data folder and nothing else; no server is started here. */
class DataFolderTest {

    @Test
    void freshRefusesAFolderHoldingAUsersFilesAndLeavesItUntouched(@TempDir Path home) throws IOException {
        Path folder = home.resolve("thesis");
        Files.createDirectories(folder.resolve("chapters"));
        Files.writeString(folder.resolve("chapters/one.tex"), "the only copy");
        Files.writeString(folder.resolve("notes.txt"), "also precious");
        List<String> before = listing(folder);

        assertThatThrownBy(() -> freshDevstack(folder))
                .isInstanceOf(DevstackException.class)
                .hasMessageContaining(folder.toString())
                .hasMessageContaining("not a Walgate data folder")
                .hasMessageContaining("--data-dir")
                .hasMessageNotContaining("\n");

        assertThat(listing(folder)).isEqualTo(before);
        assertThat(folder.resolve("chapters/one.tex")).hasContent("the only copy");
    }

    @Test
    void freshRefusesAServerFolderThatAlsoHoldsAUsersFile(@TempDir Path home) throws IOException {
        Path folder = home.resolve("mixed");
        Files.createDirectories(folder.resolve("redis"));
        Files.writeString(folder.resolve("redis/server.log"), "");
        Files.writeString(folder.resolve("budget.xlsx"), "numbers");

        assertThatThrownBy(() -> freshDevstack(folder)).isInstanceOf(DevstackException.class);

        assertThat(folder.resolve("budget.xlsx")).hasContent("numbers");
        assertThat(folder.resolve("redis/server.log")).exists();
    }

    @Test
    void aNewFolderBecomesAMarkedDataFolderThatALaterFreshWipes(@TempDir Path home) throws IOException {
        Path folder = home.resolve("walgate-data");
        Devstack.builder(folder).with(Component.REDIS).build();
        assertThat(folder.resolve(DataFolder.MARKER)).exists();
        Files.createDirectories(folder.resolve("redis"));
        Files.writeString(folder.resolve("redis/appendonly.aof"), "SET k v");

        freshDevstack(folder);

        assertThat(listing(folder)).containsExactly(DataFolder.MARKER);
    }

    @Test
    void anEmptyFolderIsFineToUseFreshAndGetsMarked(@TempDir Path home) {
        freshDevstack(home);

        assertThat(listing(home)).containsExactly(DataFolder.MARKER);
    }

    @Test
    void aDataFolderFromBeforeTheMarkerIsRecognisedByItsLayoutWipedAndMarked(@TempDir Path home) throws IOException {
        Path folder = home.resolve(".walgate");
        for (String server : List.of("kafka", "sqs", "postgres", "redis")) {
            Files.createDirectories(folder.resolve(server));
            Files.writeString(folder.resolve(server + "/server.log"), "started");
        }
        Files.writeString(folder.resolve("postgres/server.pid"), "2147483646"); // long gone
        Files.createDirectories(folder.resolve("kafka/data/orders-0"));
        Files.createDirectories(folder.resolve("worker-west"));
        Files.writeString(folder.resolve("worker-west/server.log"), "");
        Files.writeString(folder.resolve(DataFolder.LAUNCHER_LOCK), "");
        Files.writeString(folder.resolve(Devstack.STATE_FILE), "WALGATE_REDIS_URL=redis://127.0.0.1:6380\n");

        freshDevstack(folder);

        assertThat(listing(folder)).containsExactly(DataFolder.MARKER);
    }

    @Test
    void aDataFolderFromBeforeTheMarkerGetsMarkedWithoutFreshToo(@TempDir Path home) throws IOException {
        Files.createDirectories(home.resolve("sqs"));
        Files.writeString(home.resolve("sqs/server.log"), "");

        Devstack.builder(home).with(Component.SQS).build();

        assertThat(home.resolve(DataFolder.MARKER)).exists();
        assertThat(home.resolve("sqs/server.log")).exists();
    }

    private static void freshDevstack(Path folder) {
        // build() reaps and wipes; nothing starts until start().
        Devstack.builder(folder).with(Component.REDIS).fresh().build();
    }

    private static List<String> listing(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(p -> !p.equals(folder))
                    .map(p -> folder.relativize(p).toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
