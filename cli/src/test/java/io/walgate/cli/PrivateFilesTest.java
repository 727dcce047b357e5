package io.walgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateFilesTest {
    @TempDir
    Path home;

    @Test
    void aFileWithSecretsIsReadableByItsOwnerOnlyInADirectoryOfItsOwn() throws Exception {
        Path config = home.resolve("walctl").resolve("config.yaml");

        PrivateFiles.write(config, "clientSecret: s3cret\n");

        assertThat(config).hasContent("clientSecret: s3cret");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config.getParent())))
                .isEqualTo("rwx------");
    }

    @Test
    void aFileOthersCouldReadIsReplacedByOneTheyCannotAndNothingIsLeftBehind() throws Exception {
        Path config = home.resolve("config.yaml");
        Files.writeString(config, "old");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));

        PrivateFiles.write(config, "new");

        assertThat(config).hasContent("new");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config)))
                .isEqualTo("rw-------");
        try (var files = Files.list(home)) {
            assertThat(files).containsExactly(config);
        }
    }
}
