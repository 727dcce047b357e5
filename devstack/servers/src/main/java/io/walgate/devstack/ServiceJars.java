package io.walgate.devstack;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where Walgate's packaged services are: the one place that knows the path of each {@code
 * quarkus-run.jar} in a checkout, for the launcher, the tests and the benchmarks.
 *
 * <p>A system property {@code walgate.<service>.jar} wins (a build that packages elsewhere);
 * otherwise the jar is found under the checkout's root, the first folder upwards from the working
 * directory that holds the {@code walgate} launcher, so the same call works from the root (the
 * launcher) and from any module's folder (Maven runs each module's tests there).
 */
public enum ServiceJars {
    CONTROLLER("controller", "namespace-controller"),
    GATEWAY("gateway", "wal-api/gateway"),
    WORKER("worker", "consumers/worker");

    private final String property;
    private final String module;

    ServiceJars(String service, String module) {
        this.property = "walgate." + service + ".jar";
        this.module = module;
    }

    /** The service's module folder, relative to the checkout's root. */
    public String module() {
        return module;
    }

    /**
     * The packaged service, which must exist.
     *
     * @throws DevstackException naming the build command when the jar has not been built
     */
    public Path jar() {
        Path jar = locate();
        if (!Files.isRegularFile(jar)) {
            throw new DevstackException(jar + " does not exist: package the service first (./mvnw install"
                    + " -DskipTests -pl " + module + " -am)");
        }
        return jar;
    }

    /** Where the packaged service is or will be, whether it exists or not. */
    public Path locate() {
        String override = System.getProperty(property);
        if (override != null && !override.isBlank()) {
            return Path.of(override).toAbsolutePath();
        }
        return checkoutRoot().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }

    /** The checkout's root: the nearest folder upwards from the working directory with the launcher. */
    public static Path checkoutRoot() {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("walgate")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new DevstackException("no Walgate checkout (a folder with ./walgate and pom.xml) above " + start);
    }
}
