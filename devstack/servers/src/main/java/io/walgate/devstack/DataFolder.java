package io.walgate.devstack;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Tells a devstack's data folder from any other folder, so that {@code --fresh} never wipes a
 * folder that merely happened to be named with {@code --data-dir}.
 *
 * <p>A devstack marks each folder it takes with {@value #MARKER}. Folders made before the marker
 * existed are recognised by their layout: nothing but the launcher's files and server folders
 * (named after a {@link Component}, or holding a {@code server.log} or {@code server.pid}).
 *
 * <p>It also clears what a folder holds: the servers a crashed run left running ({@link #reap}),
 * and everything for {@code --fresh} ({@link #wipe}).
 */
final class DataFolder {
    static final String MARKER = ".walgate-data";
    /** The running launcher's record (pid and start time): {@code walgate down} and {@code status} read it. */
    static final String LAUNCHER_PID = "launcher.pid";
    /** Held by the running launcher, so that two never share a folder. */
    static final String LAUNCHER_LOCK = "launcher.lock";

    /** The files a devstack or its launcher keeps in the data folder itself. */
    private static final Set<String> OWN_FILES = Set.of(MARKER, LAUNCHER_LOCK, LAUNCHER_PID, Devstack.STATE_FILE);

    private DataFolder() {}

    /** What a folder is, as far as a devstack is concerned. */
    enum Kind {
        /** Missing or empty: free to become a data folder. */
        UNUSED,
        /** Carries the marker. */
        MARKED,
        /** A data folder from before the marker: only a devstack's files and server folders. */
        UNMARKED_DATA,
        /** Holds something else: never used, never wiped. */
        FOREIGN
    }

    static Kind kind(Path root) {
        if (!Files.exists(root)) {
            return Kind.UNUSED;
        }
        if (!Files.isDirectory(root)) {
            return Kind.FOREIGN;
        }
        if (Files.isRegularFile(root.resolve(MARKER))) {
            return Kind.MARKED;
        }
        boolean empty = true;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                empty = false;
                if (!isOwn(entry)) {
                    return Kind.FOREIGN;
                }
            }
        } catch (IOException e) {
            throw new DevstackException("cannot read " + root + ": " + e.getMessage(), e);
        }
        return empty ? Kind.UNUSED : Kind.UNMARKED_DATA;
    }

    /**
     * Takes {@code root} as a data folder: creates and marks it when unused, marks an unmarked
     * data folder, and refuses any other folder without touching it.
     *
     * @throws DevstackException with a one-line message naming the folder and the way out
     */
    static void claim(Path root) {
        Kind kind = kind(root);
        if (kind == Kind.FOREIGN) {
            throw new DevstackException(root + " is not a Walgate data folder (it holds other files and no " + MARKER
                    + "); choose an empty or new folder with --data-dir, or empty this one yourself");
        }
        if (kind == Kind.MARKED) {
            return;
        }
        try {
            Files.createDirectories(root);
            Files.writeString(
                    root.resolve(MARKER),
                    "This folder holds the data of a Walgate devstack; './walgate up --fresh' wipes it.\n");
        } catch (IOException e) {
            throw new DevstackException("cannot create " + root + ": " + e.getMessage(), e);
        }
    }

    /** Marks an unused or unmarked data folder, leaves any other as it is: for devstacks that wipe nothing. */
    static void markIfOurs(Path root) {
        Kind kind = kind(root);
        if (kind == Kind.UNUSED || kind == Kind.UNMARKED_DATA) {
            claim(root);
        }
    }

    private static boolean isOwn(Path entry) {
        String name = entry.getFileName().toString();
        if (!Files.isDirectory(entry)) {
            return OWN_FILES.contains(name);
        }
        return isComponent(name)
                || Files.exists(entry.resolve("server.log"))
                || Files.exists(entry.resolve("server.pid"));
    }

    private static boolean isComponent(String name) {
        for (Component c : Component.values()) {
            if (c.id().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Kills the servers a crashed run left behind in {@code dataRoot}: each pid file whose process
     * is alive and was started for this folder. Returns the names of those killed.
     */
    static List<String> reap(Path dataRoot) {
        Path root = dataRoot.toAbsolutePath().normalize();
        List<String> reaped = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return reaped;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path dir : dirs) {
                Path pidFile = dir.resolve("server.pid");
                ChildProcess.fromPidFile(pidFile, dir.toString()).ifPresent(process -> {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    process.onExit().join();
                    reaped.add(dir.getFileName().toString() + " (pid " + process.pid() + ")");
                });
                Files.deleteIfExists(pidFile);
            }
        } catch (IOException e) {
            throw new DevstackException("cannot read " + root + ": " + e.getMessage(), e);
        }
        return reaped;
    }

    /** Deletes everything in {@code dataRoot} but the entries named in {@code keep}. */
    static void wipe(Path dataRoot, Set<String> keep) {
        if (!Files.isDirectory(dataRoot)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dataRoot)) {
            for (Path entry : entries) {
                if (!keep.contains(entry.getFileName().toString())) {
                    Unpacker.deleteTree(entry);
                }
            }
        } catch (IOException e) {
            throw new DevstackException("cannot wipe " + dataRoot + ": " + e.getMessage(), e);
        }
    }
}
