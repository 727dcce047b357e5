package io.walgate.e2e;

/** Patterns for the delivery worker's Prometheus metrics ({@code /q/metrics}). */
final class Metrics {
    private Metrics() {}

    /** The line saying that exactly {@code count} entries of {@code namespace} were applied. */
    static String applied(String namespace, int count) {
        return "walgate_delivery_apply_seconds_count\\{[^}]*namespace=\"" + namespace
                + "\"[^}]*outcome=\"applied\"[^}]*\\} " + count + ".0";
    }
}
