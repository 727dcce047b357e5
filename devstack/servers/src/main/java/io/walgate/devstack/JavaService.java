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
    /** Health and metrics of services with Quarkus' management interface (the gateway, the controller). */
    private final int managementPort;

    private final Map<String, String> settings;

    static final String MANAGEMENT_PORT = "quarkus.management.port";

    /**
     * @param name short name, also the data folder and the endpoint variable ({@code
     *     WALGATE_<NAME>_URL})
     * @param settings system properties, e.g. {@code quarkus.datasource.reactive.url}
     */
    public JavaService(String name, Path dataRoot, Path jar, int port, Map<String, String> settings) {
        super(name, dataRoot);
        this.jar = jar.toAbsolutePath();
        this.port = port;
        // A management port given as a setting is kept (./walgate up uses the services' defaults).
        this.managementPort =
                settings.containsKey(MANAGEMENT_PORT) ? Integer.parseInt(settings.get(MANAGEMENT_PORT)) : Ports.free();
        this.settings = new TreeMap<>(settings);
    }

    public int port() {
        return port;
    }

    @Override
    public String endpoint() {
        return "http://" + Ports.LOOPBACK + ":" + port;
    }

    /**
     * Where health and metrics are: the management port for a service that has one (the gateway,
     * the controller), else the service's own.
     */
    public String managementEndpoint() {
        String management = "http://" + Ports.LOOPBACK + ":" + managementPort;
        return Ports.isListening(managementPort) ? management : endpoint();
    }

    @Override
    public Map<String, String> endpoints() {
        String prefix = "WALGATE_" + name().toUpperCase(Locale.ROOT).replace('-', '_');
        return Map.of(prefix + "_URL", endpoint(), prefix + "_MANAGEMENT_URL", managementEndpoint());
    }

    @Override
    protected Map<Integer, String> ports() {
        Map<Integer, String> ports = new TreeMap<>();
        ports.put(managementPort, "Walgate " + name() + " management");
        ports.put(port, "Walgate " + name()); // the same number twice is refused when the port is used
        return ports;
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
                javaBinary(),
                "-Xms64m",
                "-Xmx512m",
                "-Dwalgate.devstack=" + dir(),
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.management.port=" + managementPort));
        settings.forEach((k, v) -> {
            if (!isSecret(k)) {
                command.add("-D" + k + "=" + v);
            }
        });
        command.addAll(List.of("-jar", jar.toString()));
        return command;
    }

    /**
     * Secrets go in the environment ({@code walgate.gateway.controller-auth.client-secret} as {@code
     * WALGATE_GATEWAY_CONTROLLER_AUTH_CLIENT_SECRET}, which Quarkus reads the same): a command line
     * is readable by anyone on the machine with {@code ps}, and ends up in logs.
     */
    @Override
    protected Map<String, String> environment() {
        Map<String, String> env = new TreeMap<>();
        settings.forEach((k, v) -> {
            if (isSecret(k)) {
                env.put(k.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_"), v);
            }
        });
        return env;
    }

    static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("secret") || k.contains("password") || k.endsWith("token");
    }

    @Override
    protected boolean isReady() {
        if (!Ports.isListening(port)) {
            return false;
        }
        return HttpProbe.answers200(managementEndpoint() + "/q/health/ready");
    }
}
