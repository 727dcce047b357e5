package io.walgate.devstack;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * Unpacks server distributions into the cache once. Each unpack goes to a temporary folder that is
 * renamed into place when complete, under a file lock, so that an interrupted unpack or two JVMs
 * unpacking at once never leave a half-written distribution behind.
 */
final class Unpacker {
    private Unpacker() {}

    /** What to do to fill a fresh folder. */
    interface Filler {
        void fill(Path dir) throws IOException;
    }

    /** The cached folder {@code name}, filled by {@code filler} if it is not there yet. */
    static Path cached(String name, Filler filler) {
        Path cache = Artifacts.cacheDir();
        Path target = cache.resolve(name);
        if (Files.isDirectory(target)) {
            return target;
        }
        try (FileChannel channel = FileChannel.open(
                        cache.resolve(name + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = channel.lock()) {
            if (Files.isDirectory(target)) {
                return target; // another process finished it while we waited for the lock
            }
            Path tmp = Files.createTempDirectory(cache, name + ".tmp");
            try {
                filler.fill(tmp);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                deleteTree(tmp);
            }
            return target;
        } catch (IOException e) {
            throw new DevstackException("cannot unpack " + name + " into " + cache + ": " + e.getMessage(), e);
        }
    }

    /** Extracts a .txz stored as {@code entryName} inside the jar {@code jar}. */
    static void untarXzFromJar(Path jar, String entryName, Path dir) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry(entryName);
            if (entry == null) {
                throw new IOException(jar + " holds no " + entryName);
            }
            try (InputStream raw = new BufferedInputStream(zip.getInputStream(entry));
                    TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(raw))) {
                TarArchiveEntry tarEntry;
                while ((tarEntry = tar.getNextEntry()) != null) {
                    Path out = safeResolve(dir, tarEntry.getName());
                    if (tarEntry.isDirectory()) {
                        Files.createDirectories(out);
                    } else if (tarEntry.isSymbolicLink()) {
                        Files.createDirectories(out.getParent());
                        Files.createSymbolicLink(out, Path.of(tarEntry.getLinkName()));
                    } else {
                        Files.createDirectories(out.getParent());
                        Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                        Files.setPosixFilePermissions(out, permissions(tarEntry.getMode()));
                    }
                }
            }
        }
    }

    /** Extracts a whole zip file, keeping the executable bit of entries that had one. */
    static void unzip(Path zipFile, Path dir) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(zipFile));
                ZipArchiveInputStream zip = new ZipArchiveInputStream(raw)) {
            ZipArchiveEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                Path out = safeResolve(dir, entry.getName());
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                    continue;
                }
                Files.createDirectories(out.getParent());
                Files.copy(zip, out, StandardCopyOption.REPLACE_EXISTING);
                int mode = entry.getUnixMode();
                if (mode != 0) {
                    Files.setPosixFilePermissions(out, permissions(mode));
                } else if (out.getFileName().toString().endsWith(".sh")) {
                    Files.setPosixFilePermissions(out, permissions(0755));
                }
            }
        }
    }

    /** Copies one entry of a jar out as an executable file. */
    static void extractExecutable(Path jar, String entryName, Path out) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry(entryName);
            if (entry == null) {
                throw new IOException(jar + " holds no " + entryName);
            }
            Files.createDirectories(out.getParent());
            try (InputStream in = zip.getInputStream(entry)) {
                Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.setPosixFilePermissions(out, permissions(0755));
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new DevstackException("cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }

    private static Path safeResolve(Path dir, String name) throws IOException {
        Path out = dir.resolve(name).normalize();
        if (!out.startsWith(dir)) {
            throw new IOException("archive entry escapes its folder: " + name);
        }
        return out;
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ
        };
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                set.add(order[bit]);
            }
        }
        set.add(PosixFilePermission.OWNER_READ);
        set.add(PosixFilePermission.OWNER_WRITE);
        return set;
    }
}
