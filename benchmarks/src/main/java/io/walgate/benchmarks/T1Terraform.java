package io.walgate.benchmarks;

import io.walgate.devstack.ServiceJars;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * T1: what Terraform costs a platform team. (a) One start of the provider as Terraform starts it
 * (the launcher, the JVM with its class-data archive, the certificate, the gRPC server) until its
 * handshake line; (b) {@code terraform plan} of a configuration of 20 namespaces that all exist
 * as configured, against {@code walctl apply --dry-run} of the same 20 specs, same controller,
 * same run (both read and check every namespace through the controller).
 */
final class T1Terraform {
    private static final int NAMESPACES = 20;
    private static final int RUNS = Integer.getInteger("bench.t1-runs", 5);
    private static final String COOKIE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

    private T1Terraform() {}

    static void run() throws Exception {
        Path root = ServiceJars.checkoutRoot();
        Path work = root.resolve("benchmarks/target/bench-terraform-work");
        Files.createDirectories(work);
        long[] starts = providerStarts(root, work, 10);

        try (BenchStack stack = new BenchStack("bench-terraform", false)) {
            Path tf = Files.createDirectories(work.resolve("plan"));
            Files.writeString(tf.resolve("main.tf"), configuration());
            Files.writeString(
                    work.resolve("dev.tfrc"),
                    "provider_installation {\n  dev_overrides {\n    \"walgate/walgate\" = \""
                            + root.resolve("terraform/provider/bin") + "\"\n  }\n  direct {}\n}\n");
            List<String> env = List.of(
                    "TF_CLI_CONFIG_FILE=" + work.resolve("dev.tfrc"),
                    "WALGATE_CONTROLLER_URL=" + stack.controllerUrl(),
                    "XDG_CACHE_HOME=" + work.resolve("cache"),
                    "TF_IN_AUTOMATION=1",
                    "CHECKPOINT_DISABLE=1");
            time(env, "terraform", "-chdir=" + tf, "apply", "-auto-approve", "-input=false");
            Path specs = work.resolve("namespaces.yaml");
            Files.writeString(specs, specs());
            List<String> walctlEnv = List.of(
                    "WALCTL_CONTROLLER=" + stack.controllerUrl(),
                    "WALCTL_CONFIG=" + work.resolve("walctl.yaml"),
                    "XDG_CACHE_HOME=" + work.resolve("cache"));
            String walctl = root.resolve("cli/walctl").toString();
            // One of each first: class-data archives written, the controller warm.
            time(env, "terraform", "-chdir=" + tf, "plan", "-input=false", "-detailed-exitcode");
            time(walctlEnv, walctl, "apply", "--dry-run", "-f", specs.toString());
            long[] plans = new long[RUNS];
            long[] dryRuns = new long[RUNS];
            for (int i = 0; i < RUNS; i++) {
                plans[i] = time(env, "terraform", "-chdir=" + tf, "plan", "-input=false", "-detailed-exitcode");
                dryRuns[i] = time(walctlEnv, walctl, "apply", "--dry-run", "-f", specs.toString());
            }
            time(env, "terraform", "-chdir=" + tf, "destroy", "-auto-approve", "-input=false");
            Arrays.sort(plans);
            Arrays.sort(dryRuns);
            Report.record(
                    "T1",
                    "## T1 — Terraform: a provider start, and a plan of 20 namespaces (" + LocalDate.now() + ")\n\n"
                            + "| | median | min | max |\n|---|---|---|---|\n"
                            + row(
                                    "provider start to its handshake line (launcher, JVM with class-data archive, certificate, gRPC)",
                                    starts)
                            + row("`terraform plan` of 20 namespaces, unchanged (refresh + plan)", plans)
                            + row("`walctl apply --dry-run` of the same 20", dryRuns)
                            + "\nRatio: the plan takes "
                            + String.format("%.1f", (double) plans[RUNS / 2] / dryRuns[RUNS / 2])
                            + "× walctl's dry run (" + RUNS + " runs each, alternating).\n");
        }
    }

    private static String row(String what, long[] sortedMillis) {
        return "| " + what + " | " + sortedMillis[sortedMillis.length / 2] + " ms | " + sortedMillis[0] + " ms | "
                + sortedMillis[sortedMillis.length - 1] + " ms |\n";
    }

    /** Starts the provider {@code n} times (after one start that writes its class-data archive). */
    private static long[] providerStarts(Path root, Path work, int n) throws Exception {
        Path cert = work.resolve("client.pem");
        Process openssl = new ProcessBuilder(
                        "openssl",
                        "req",
                        "-x509",
                        "-newkey",
                        "ec",
                        "-pkeyopt",
                        "ec_paramgen_curve:P-521",
                        "-nodes",
                        "-keyout",
                        "/dev/null",
                        "-subj",
                        "/CN=localhost",
                        "-days",
                        "1",
                        "-out",
                        cert.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!openssl.waitFor(30, TimeUnit.SECONDS) || openssl.exitValue() != 0) {
            throw new IllegalStateException("openssl could not make a P-521 client certificate like Terraform's");
        }
        String pem = Files.readString(cert);
        long[] millis = new long[n];
        for (int i = -1; i < n; i++) {
            ProcessBuilder pb = new ProcessBuilder(root.resolve("terraform/provider/bin/terraform-provider-walgate")
                    .toString());
            pb.environment().put("TF_PLUGIN_MAGIC_COOKIE", COOKIE);
            pb.environment().put("PLUGIN_PROTOCOL_VERSIONS", "6");
            pb.environment().put("PLUGIN_CLIENT_CERT", pem);
            pb.environment().put("XDG_CACHE_HOME", work.resolve("cache").toString());
            pb.redirectError(ProcessBuilder.Redirect.DISCARD);
            long start = System.nanoTime();
            Process p = pb.start();
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line = out.readLine();
                long took = (System.nanoTime() - start) / 1_000_000;
                if (line == null || !line.startsWith("1|6|tcp|127.0.0.1:")) {
                    throw new IllegalStateException("no handshake line from the provider: " + line);
                }
                if (i >= 0) {
                    millis[i] = took;
                }
            }
            // The first start writes the class-data archive when it exits: let it, the others are killed.
            if (i < 0) {
                p.destroy();
            } else {
                p.destroyForcibly();
            }
            p.waitFor(30, TimeUnit.SECONDS);
        }
        Arrays.sort(millis);
        return millis;
    }

    private static long time(List<String> env, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        File log = Files.createTempFile("t1", ".log").toFile();
        pb.redirectOutput(log);
        for (String kv : env) {
            int eq = kv.indexOf('=');
            pb.environment().put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        long start = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish");
        }
        long took = (System.nanoTime() - start) / 1_000_000;
        if (p.exitValue() != 0) {
            throw new IllegalStateException(
                    String.join(" ", command) + " exited " + p.exitValue() + ":\n" + Files.readString(log.toPath()));
        }
        Files.delete(log.toPath());
        return took;
    }

    private static String configuration() {
        StringBuilder hcl = new StringBuilder(
                "terraform {\n  required_providers {\n    walgate = { source = \"walgate/walgate\" }\n  }\n}\n\n"
                        + "provider \"walgate\" {}\n\n");
        for (int i = 0; i < NAMESPACES; i++) {
            hcl.append("resource \"walgate_namespace\" \"ns")
                    .append(i)
                    .append("\" {\n  name  = \"t1-")
                    .append(i)
                    .append("\"\n  owner = \"team-t1\"\n  backend = { type = \"kafka\", partitions = 3 }\n")
                    .append("  retry = { max_attempts = 5 }\n  target = {\n    type = \"redis\"\n")
                    .append("    regions = { local = { url = \"redis://127.0.0.1:6380/1\" } }\n  }\n}\n\n");
        }
        return hcl.toString();
    }

    private static String specs() {
        List<String> docs = new ArrayList<>();
        for (int i = 0; i < NAMESPACES; i++) {
            docs.add("name: t1-" + i
                    + "\nowner: team-t1\nbackend: {type: kafka, partitions: 3}\nretry: {maxAttempts: 5}\n"
                    + "target: {type: redis, regions: {local: {url: 'redis://127.0.0.1:6380/1'}}}\n");
        }
        return String.join("---\n", docs);
    }
}
