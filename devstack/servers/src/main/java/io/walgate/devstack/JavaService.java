package io.walgate.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One of Walgate's own services (a Quarkus app packaged as {@code quarkus-run.jar}) run the same
 * way as the servers: a child process on loopback that cannot outlive its parent, ready once its
 * health endpoint answers 200. Settings go in as system properties.
 */
public final class JavaService extends ManagedServer {
    private final Path jar;
    private final int port;
    private final Map<String, String> settings;

    /**
     * @param name short name, also the data folder and the endpoint variable ({@code
     *     WALGATE_<NAME>_URL})
     * @param settings system properties, e.g. {@code quarkus.datasource.reactive.url}
     */
    public JavaService(String name, Path dataRoot, Path jar, int port, Map<String, String> settings) {
        super(name, dataRoot);
        this.jar = jar.toAbsolutePath();
        this.port = port;
        this.settings = new TreeMap<>(settings);
    }

    public int port() {
        return port;
    }

    @Override
    public String endpoint() {
        return "http://" + Ports.LOOPBACK + ":" + port;
    }

    @Override
    public Map<String, String> endpoints() {
        return Map.of("WALGATE_" + name().toUpperCase(Locale.ROOT).replace('-', '_') + "_URL", endpoint());
    }

    @Override
    protected Map<Integer, String> ports() {
        return Map.of(port, "Walgate " + name());
    }

    @Override
    protected void prepare() throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new DevstackException(jar + " does not exist: build it first (./mvnw package -DskipTests)");
        }
    }

    @Override
    protected List<String> command() {
        List<String> command = new ArrayList<>(List.of(
                javaBinary(), "-Xms64m", "-Xmx512m", "-Dwalgate.devstack=" + dir(), "-Dquarkus.http.port=" + port));
        settings.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", jar.toString()));
        return command;
    }

    @Override
    protected boolean isReady() {
        if (!Ports.isListening(port)) {
            return false;
        }
        return HttpProbe.answers200(endpoint() + "/q/health/ready");
    }
}
