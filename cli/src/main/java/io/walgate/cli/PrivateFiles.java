package io.walgate.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files that hold secrets (the contexts with client secrets, cached tokens), readable by their owner
 * only, from the moment they exist.
 *
 * <ol>
 *   <li>The content goes to a new file created with mode 600 next to the target, which then replaces
 *       the target in one rename: no other user ever reads it, not even between a write and a
 *       {@code chmod}, and a crash mid-write leaves the old file whole.
 *   <li>A directory it creates gets mode 700; an existing one is left as its owner set it.
 *   <li>On a file system without POSIX permissions the files are written without them.
 * </ol>
 */
final class PrivateFiles {
    private static final boolean POSIX =
            FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private PrivateFiles() {}

    static void write(Path path, String content) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, attributes("rwx------"));
        }
        Path fresh = Files.createTempFile(dir, "." + path.getFileName(), ".tmp", attributes("rw-------"));
        try {
            Files.writeString(fresh, content, StandardCharsets.UTF_8);
            Files.move(fresh, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(fresh);
        }
    }

    private static FileAttribute<?>[] attributes(String permissions) {
        return POSIX
                ? new FileAttribute<?>[] {
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions))
                }
                : new FileAttribute<?>[0];
    }
}
