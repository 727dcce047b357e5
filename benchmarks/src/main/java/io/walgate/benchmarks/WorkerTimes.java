package io.walgate.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Where a namespace's entries spent their time in the worker, from its own timers: from due to the
 * first attempt's start ({@code walgate_delivery_lateness_seconds}: the log, the fetch, the queue
 * before a lane) and the attempt itself ({@code walgate_delivery_apply_seconds}: the target). Two
 * snapshots give a phase's means.
 */
record WorkerTimes(double latenessSum, long latenessCount, double applySum, long applyCount) {
    static WorkerTimes of(String workerEndpoint, String namespace) throws IOException {
        String text;
        try (InputStream in = URI.create(workerEndpoint + "/q/metrics").toURL().openStream()) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        double[] sums = new double[4];
        String tag = "namespace=\"" + namespace + "\"";
        text.lines().filter(l -> l.contains(tag)).forEach(l -> {
            double value = Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
            if (l.startsWith("walgate_delivery_lateness_seconds_sum{")) {
                sums[0] += value;
            } else if (l.startsWith("walgate_delivery_lateness_seconds_count{")) {
                sums[1] += value;
            } else if (l.startsWith("walgate_delivery_apply_seconds_sum{")) {
                sums[2] += value;
            } else if (l.startsWith("walgate_delivery_apply_seconds_count{")) {
                sums[3] += value;
            }
        });
        return new WorkerTimes(sums[0], (long) sums[1], sums[2], (long) sums[3]);
    }

    /** "due → attempt X ms, attempt Y ms" on average between {@code before} and this. */
    String since(WorkerTimes before) {
        return String.format(
                "due → attempt %.1f ms, attempt %.1f ms (worker means)",
                mean(latenessSum - before.latenessSum, latenessCount - before.latenessCount),
                mean(applySum - before.applySum, applyCount - before.applyCount));
    }

    private static double mean(double seconds, long count) {
        return count == 0 ? Double.NaN : seconds * 1000 / count;
    }
}
