package io.walgate.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessRecordTest {
    private static final long SELF = ProcessHandle.current().pid();

    @Test
    void aRecordRecognisesItsProcessWhateverItsCommandLineSays(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("server.pid");
        ProcessRecord.write(file, SELF);

        assertThat(ProcessRecord.live(file, "a marker no command line holds"))
                .map(ProcessHandle::pid)
                .contains(SELF);
    }

    @Test
    void aRecordWhosePidNowBelongsToAnotherProcessIsNotRecognised(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("server.pid");
        long started = ProcessRecord.startTicksOf(SELF).orElseThrow();
        Files.writeString(file, SELF + " " + (started - 1) + "\n"); // same pid, another start: recycled

        assertThat(ProcessRecord.live(file, "")).isEmpty();
    }

    @Test
    void aPidOnlyRecordIsTrustedOnlyWhenTheCommandLineNamesTheMarker(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("server.pid");
        Files.writeString(file, Long.toString(SELF));

        assertThat(ProcessRecord.live(file, "a marker no command line holds")).isEmpty();
        assertThat(ProcessRecord.live(file, "java")).isPresent();
    }

    @Test
    void aMissingOrGarbledRecordDescribesNoProcess(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("garbled.pid"), "not a pid");

        assertThat(ProcessRecord.live(dir.resolve("missing.pid"), "")).isEmpty();
        assertThat(ProcessRecord.live(dir.resolve("garbled.pid"), "")).isEmpty();
    }
}
