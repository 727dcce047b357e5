package io.walgate.benchmarks;

/** What C1, E1, D1 and N1 share: a stack with a worker, and the HTTP target in this process. */
final class DeliverySetup {
    private DeliverySetup() {}

    /** Runs C1, E1, D1 and/or N1 (as {@code only} names them) on a stack of their own. */
    static void run(String only) throws Exception {
        // Keep-alive for every client thread (the JDK keeps 5 idle connections by default; the rest
        // would connect anew for each write and measure TCP set-up instead of Walgate).
        System.setProperty("http.maxConnections", "64");
        try (Upstream upstream = new Upstream();
                BenchStack stack = new BenchStack("bench-delivery", true)) {
            if (only.contains("C1")) {
                C1ApplyToPostgres.run(stack);
            }
            if (only.contains("E1")) {
                E1WriteToApplied.run(stack, upstream);
            }
            if (only.contains("D1")) {
                D1DelayedLateness.run(stack, upstream);
            }
            if (only.contains("N1")) {
                N1ManyNamespaces.run(stack);
            }
        }
    }
}
