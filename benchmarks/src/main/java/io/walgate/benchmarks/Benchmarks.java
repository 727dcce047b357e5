package io.walgate.benchmarks;

import java.util.List;
import java.util.Locale;

/**
 * Runs the benchmarks of docs/benchmarks.md against the packaged services, each group on a devstack
 * of its own, and writes their tables into that page: {@code -Dbench=write} (W1, W2, A1, R1), {@code
 * delivery} (C1, E1, D1; N1 only when named in {@code bench.only}), {@code terraform} (T1) or {@code all}; {@code -Dbench.only=W1,E1} narrows further.
 *
 * <p>Run: {@code ./mvnw -B -q install -DskipTests -pl benchmarks -am && ./mvnw -B -q -pl benchmarks
 * exec:java -Dbench=all}. Tuning: {@code bench.warmup}, {@code bench.seconds}, {@code
 * bench.threads}, {@code bench.batch}, {@code bench.grpc-clients}, {@code bench.c1-rows}, {@code
 * bench.e1-seconds}, {@code bench.d1-entries}.
 */
public final class Benchmarks {
    private Benchmarks() {}

    public static void main(String[] args) throws Exception {
        String group = System.getProperty("bench", "all").toLowerCase(Locale.ROOT);
        if (!List.of("write", "delivery", "terraform", "all").contains(group)) {
            System.err.println("-Dbench must be write, delivery, terraform or all, not " + group);
            System.exit(2);
        }
        String only = System.getProperty("bench.only", "W1,W2,A1,R1,C1,E1,D1,T1");
        // Client threads (Kafka, gRPC, the JDK's HTTP server) would keep exec:java's JVM waiting,
        // and it reports an exception only once they end: both ways out exit here.
        try {
            if ((group.equals("terraform") || group.equals("all")) && only.contains("T1")) {
                T1Terraform.run();
            }
            if (!group.equals("delivery")
                    && !group.equals("terraform")
                    && (only.contains("W1") || only.contains("W2") || only.contains("A1") || only.contains("R1"))) {
                WriteSetup.run(only);
            }
            if (!group.equals("write")
                    && !group.equals("terraform")
                    && (only.contains("C1") || only.contains("E1") || only.contains("D1") || only.contains("N1"))) {
                DeliverySetup.run(only);
            }
        } catch (Exception | Error e) {
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }
}
