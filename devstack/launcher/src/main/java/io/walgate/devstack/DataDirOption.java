package io.walgate.devstack;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --data-dir}, shared by every command that works on a devstack's data folder. */
final class DataDirOption {
    /** {@code ./walgate} runs from the checkout's root, so this is the checkout's {@code .walgate/}. */
    static final Path DEFAULT = Path.of(".walgate");

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "the devstack's data folder (default: .walgate in the checkout)")
    private Path dataDir = DEFAULT;

    Path path() {
        return dataDir.toAbsolutePath().normalize();
    }

    /** What to add to a suggested command so that it works on the same folder. */
    String asArgument() {
        return path().equals(DEFAULT.toAbsolutePath().normalize()) ? "" : " --data-dir " + path();
    }
}
