package io.walgate.benchmarks;

import java.util.Random;

/** What W1, W2, A1 and R1 share: their stack (no worker), the {@code bench} namespace, the payload and the memory sampler. */
final class WriteSetup {
    static final String NAMESPACE = "bench";

    private WriteSetup() {}

    /** Runs W1, W2, A1 and/or R1 (as {@code only} names them) on a stack of their own. */
    static void run(String only) throws Exception {
        try (BenchStack stack = new BenchStack("bench-write", false)) {
            stack.createNamespace(
                    NAMESPACE,
                    "{\"name\":\"bench\",\"owner\":\"bench\",\"backend\":{\"type\":\"kafka\",\"partitions\":12},"
                            + "\"target\":{\"type\":\"http\",\"regions\":{\"local\":{\"url\":\"http://127.0.0.1:9\"}}},"
                            + "\"limits\":{\"maxPayloadBytes\":16384,\"writesPerSecond\":1000000}}");
            stack.awaitWritable(NAMESPACE);
            byte[] payload = new byte[1024];
            new Random(42).nextBytes(payload);
            // Peak over the whole run: W2's figure includes W1's when both run.
            try (RssSampler rss = new RssSampler(stack.gateway())) {
                if (only.contains("W1")) {
                    W1RestWrites.run(stack, payload, rss);
                }
                if (only.contains("W2")) {
                    W2GrpcBatches.run(stack, payload, rss);
                }
            }
            if (only.contains("A1")) {
                A1Mutations.run(stack, payload);
            }
            if (only.contains("R1")) {
                R1ReplayThroughput.run(stack);
            }
        }
    }
}
