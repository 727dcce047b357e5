package io.walgate.terraform;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the real {@code terraform} binary on a configuration folder, as a platform team's shell or
 * pipeline would. The provider either runs in this JVM, attached with {@code
 * TF_REATTACH_PROVIDERS} (no JVM start per command), or is launched by Terraform itself.
 */
final class TerraformRunner {
    static final String SKIPPED = "terraform is not installed (not on the PATH): the Terraform provider's tests are"
            + " skipped; install Terraform 1.11 or later to run them";

    private final Path dir;
    private final Map<String, String> env = new HashMap<>();

    record Run(int exit, String out, String err) {
        String all() {
            return out + "\n" + err;
        }

        /** Stdout and stderr with every run of whitespace one space: Terraform wraps messages at 80 columns. */
        String text() {
            return all().replaceAll("\\s+", " ");
        }
    }

    TerraformRunner(Path dir) throws IOException {
        this.dir = dir.toAbsolutePath();
        Files.createDirectories(this.dir);
        env.put("TF_IN_AUTOMATION", "1");
        env.put("CHECKPOINT_DISABLE", "1");
        // No CLI configuration of the machine's: providers come from where each test says.
        env.put("TF_CLI_CONFIG_FILE", "/dev/null");
        env.put("TF_DATA_DIR", this.dir.resolve(".terraform").toString());
    }

    /** Skips the calling test class, saying why on stderr too, when no {@code terraform} is on the PATH. */
    static void assumeInstalled() {
        if (!installed()) {
            System.err.println("SKIPPED: " + SKIPPED);
        }
        Assumptions.assumeTrue(installed(), SKIPPED);
    }

    /** Whether a {@code terraform} is on the PATH. */
    static boolean installed() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String d : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, "terraform"))) {
                return true;
            }
        }
        return false;
    }

    Path dir() {
        return dir;
    }

    TerraformRunner env(String key, String value) {
        env.put(key, value);
        return this;
    }

    /** Writes {@code main.tf} (and removes nothing else: the state stays). */
    TerraformRunner config(String hcl) throws IOException {
        Files.writeString(dir.resolve("main.tf"), hcl);
        return this;
    }

    Run run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("terraform", "-chdir=" + dir, args[0]));
        if (List.of("plan", "apply", "destroy", "import", "init", "refresh", "validate")
                .contains(args[0])) {
            command.add("-no-color");
        }
        if (List.of("plan", "apply", "destroy", "import", "refresh").contains(args[0])) {
            command.add("-input=false");
        }
        command.addAll(List.of(args).subList(1, args.length));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("TF_") || k.startsWith("WALGATE_"));
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("terraform " + String.join(" ", args) + " did not finish in 5 minutes");
        }
        Run run = new Run(
                p.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        return run;
    }
}
