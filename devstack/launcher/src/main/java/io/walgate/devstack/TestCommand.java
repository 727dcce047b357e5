package io.walgate.devstack;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code walgate test}: the whole suite as CI runs it. The {@code walgate} script runs the same
 * Maven command itself (it needs no built launcher for it); this command is where it is described.
 */
@Command(
        name = "test",
        mixinStandardHelpOptions = true,
        description = "Run the whole test suite (./mvnw -B verify) with the formatting checked, not applied: an"
                + " unformatted file fails it (./mvnw spotless:apply formats). Tests start the servers they need.")
final class TestCommand implements Callable<Integer> {
    /** What {@code ./walgate test} runs; the script spells the same. */
    static final List<String> MAVEN =
            List.of("./mvnw", "-B", "verify", "-Dspotless.apply.skip=true", "-Dspotless.check.skip=false");

    @Parameters(paramLabel = "MAVEN_ARG", description = "more Maven arguments, e.g. -pl wal-api/contract")
    List<String> mavenArgs = new ArrayList<>();

    @Override
    public Integer call() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(MAVEN);
        command.addAll(mavenArgs);
        return new ProcessBuilder(command)
                .directory(ServiceJars.checkoutRoot().toFile())
                .inheritIO()
                .start()
                .waitFor();
    }
}
