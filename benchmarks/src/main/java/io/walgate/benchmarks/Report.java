package io.walgate.benchmarks;

import io.walgate.devstack.ServiceJars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes each benchmark's table into docs/benchmarks.md, between that benchmark's markers. */
final class Report {
    private Report() {}

    /** Replaces the section between {@code <!-- id -->} markers (appends it when there are none). */
    static void record(String id, String section) throws IOException {
        Path file = ServiceJars.checkoutRoot().resolve("docs/benchmarks.md");
        String text = Files.exists(file) ? Files.readString(file) : "";
        String marker = "<!-- " + id + " -->";
        int at = text.indexOf(marker);
        int endAt = at < 0 ? -1 : text.indexOf(marker, at + marker.length());
        String block = marker + "\n" + section + marker;
        text = at >= 0 && endAt > at
                ? text.substring(0, at) + block + text.substring(endAt + marker.length())
                : text + "\n" + block + "\n";
        Files.writeString(file, text);
        System.out.println("Recorded " + id + " in " + file);
    }
}
