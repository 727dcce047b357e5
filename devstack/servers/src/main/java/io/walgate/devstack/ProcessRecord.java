package io.walgate.devstack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How a devstack recognises a process it started, from another JVM too ({@code walgate down},
 * {@code status}, {@code restart}): its pid and its start time, written to a file when it starts.
 *
 * <ol>
 *   <li>A pid alone is not enough: pids are recycled. A pid whose start time (clock ticks since
 *       boot, {@code /proc/<pid>/stat} field 22, which {@code exec} keeps) matches the record is the
 *       same process, whatever its command line says now — Redis overwrites its argv, so a command
 *       line naming the data folder cannot recognise it.
 *   <li>A record holding only a pid (written before the start time was) is trusted only when the
 *       process's command line names {@code marker}, as before.
 * </ol>
 */
record ProcessRecord(long pid, OptionalLong startTicks) {

    /** Records a running process: one line, {@code <pid> <start ticks>}. */
    static void write(Path file, long pid) throws IOException {
        OptionalLong start = startTicksOf(pid);
        String line = start.isPresent() ? pid + " " + start.getAsLong() : Long.toString(pid);
        Files.writeString(file, line + "\n", StandardCharsets.UTF_8);
    }

    /** The record in {@code file}, if there is a readable one. */
    static Optional<ProcessRecord> read(Path file) {
        try {
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            String[] fields = Files.readString(file).trim().split("\\s+");
            long pid = Long.parseLong(fields[0]);
            OptionalLong start = fields.length > 1 ? OptionalLong.of(Long.parseLong(fields[1])) : OptionalLong.empty();
            return Optional.of(new ProcessRecord(pid, start));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The live process behind {@code file}, if the record still describes it (see the class's rules). */
    static Optional<ProcessHandle> live(Path file, String marker) {
        return read(file).flatMap(r -> r.live(marker));
    }

    /** The live process this record describes, if it is still the one recorded. */
    Optional<ProcessHandle> live(String marker) {
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (startTicks.isPresent()) {
            return process.filter(p -> startTicksOf(p.pid()).equals(startTicks));
        }
        return process.filter(p -> ChildProcess.commandLine(p).contains(marker));
    }

    /** When a process started, in clock ticks since boot; empty when it is gone. */
    static OptionalLong startTicksOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) is in parentheses and may hold spaces: count from after it.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return OptionalLong.of(Long.parseLong(fields[19])); // field 22 of the whole line
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }
}
