package io.walgate.consumers.targets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where a worker finds the secrets that namespace specs name ({@code ${secret:orders-db}}): the
 * environment variable {@code WALGATE_SECRET_ORDERS_DB} (the name upper-cased, anything but a
 * letter or digit as {@code _}), else the file {@code orders-db} in its secrets folder (a mounted
 * Kubernetes or Docker secret), without its trailing line break.
 */
public final class WorkerSecrets implements Function<String, Optional<String>> {
    public static final String ENV_PREFIX = "WALGATE_SECRET_";
    /** Where Docker and most Kubernetes set-ups mount secrets, one file each. */
    public static final Path DEFAULT_FOLDER = Path.of("/run/secrets/walgate");

    private final Map<String, String> environment;
    private final Path folder;

    public WorkerSecrets(Map<String, String> environment, Path folder) {
        this.environment = Map.copyOf(environment);
        this.folder = folder;
    }

    /** This process's environment and the default folder. */
    public static WorkerSecrets fromEnvironment() {
        return new WorkerSecrets(System.getenv(), DEFAULT_FOLDER);
    }

    /** The environment variable that holds secret {@code name}. */
    public static String variable(String name) {
        return ENV_PREFIX + name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    @Override
    public Optional<String> apply(String name) {
        String value = environment.get(variable(name));
        if (value != null) {
            return Optional.of(value);
        }
        Path file = folder.resolve(name);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8).replaceFirst("\\r?\\n$", ""));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read secret file " + file, e);
        }
    }

    /** Where a missing secret {@code name} should be put, for the error that reports it. */
    public String whereTo(String name) {
        return "set " + variable(name) + " or write it to " + folder.resolve(name);
    }
}
