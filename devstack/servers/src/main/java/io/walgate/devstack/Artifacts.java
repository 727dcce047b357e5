package io.walgate.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Where this build's Maven put each server distribution, and where unpacked copies are cached.
 *
 * <p>Unpacked distributions are tools, not data: they live under {@code ~/.cache/walgate} (or
 * {@code $WALGATE_CACHE}) so that every data folder, test run and fresh clone reuses them.
 */
final class Artifacts {
    private static final Properties PATHS = load();

    private Artifacts() {}

    static String get(String key) {
        String value = PATHS.getProperty(key);
        if (value == null || value.startsWith("${")) {
            throw new DevstackException("the devstack was built without '" + key
                    + "'; rebuild it with ./mvnw -pl devstack/servers -am install -DskipTests");
        }
        return value;
    }

    static Path file(String key) {
        Path path = Path.of(get(key));
        if (!Files.isRegularFile(path)) {
            throw new DevstackException(path + " (" + key + ") is missing from the local Maven repository;"
                    + " rebuild with ./mvnw -pl devstack/servers -am install -DskipTests");
        }
        return path;
    }

    /** The classpath of a server runtime module, as resolved when the devstack was built. */
    static String serverClasspath(String server) {
        String resource = server + "/server.classpath";
        try (InputStream in = Artifacts.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new DevstackException("no classpath for " + server
                        + " in the devstack jar; build it with the runtimes: ./mvnw -pl devstack/servers -am install");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path cacheDir() {
        String override = System.getenv("WALGATE_CACHE");
        Path dir = override != null && !override.isBlank()
                ? Path.of(override)
                : Path.of(System.getProperty("user.home"), ".cache", "walgate");
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new DevstackException("cannot create the cache folder " + dir + ": " + e.getMessage(), e);
        }
    }

    private static Properties load() {
        Properties properties = new Properties();
        try (InputStream in = Artifacts.class.getResourceAsStream("artifacts.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}
