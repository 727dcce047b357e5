package io.walgate.devstack;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The devstack's command line, behind {@code ./walgate up|down|status}.
 *
 * <pre>
 * up     [--data-dir DIR] [--fresh] [--with-keycloak] [--only kafka,sqs,…] [--random-ports]
 * down   [--data-dir DIR]
 * status [--data-dir DIR]
 * </pre>
 *
 * Exit codes: 0 ok, 1 usage, 2 could not start, 3 not running (status).
 */
public final class Main {
    static final String LAUNCHER_PID = DataFolder.LAUNCHER_PID;
    static final String LAUNCHER_LOCK = DataFolder.LAUNCHER_LOCK;

    private Main() {}

    public static void main(String[] args) {
        if (args.length == 0 || Set.of("-h", "--help", "help").contains(args[0])) {
            System.out.println(usage());
            System.exit(args.length == 0 ? 1 : 0);
        }
        Options options;
        try {
            options = Options.parse(Arrays.copyOfRange(args, 1, args.length));
        } catch (IllegalArgumentException e) {
            System.err.println("walgate: " + e.getMessage() + "\n" + usage());
            System.exit(1);
            return;
        }
        int code = switch (args[0]) {
            case "up" -> up(options);
            case "down" -> down(options);
            case "status" -> status(options);
            default -> {
                System.err.println("walgate: unknown command '" + args[0] + "'\n" + usage());
                yield 1;
            }
        };
        System.exit(code);
    }

    static String usage() {
        return String.join(
                "\n",
                "usage: walgate up     [--data-dir DIR] [--fresh] [--with-keycloak] [--only kafka,sqs,postgres,redis]"
                        + " [--random-ports] [--controller-jar JAR] [--controller-port 8081] [--gateway-jar JAR] [--worker-jar JAR]"
                        + " [--gateway-port 8080]",
                "       walgate down   [--data-dir DIR]",
                "       walgate status [--data-dir DIR]");
    }

    static int up(Options options) {
        Path root = options.dataDir;
        try {
            // Before the lock file lands in it: a folder that is not a devstack's is never used, let alone wiped.
            DataFolder.claim(root);
        } catch (DevstackException e) {
            System.err.println("walgate: " + e.getMessage());
            return 2;
        }
        try (FileChannel lockChannel = FileChannel.open(
                        root.resolve(LAUNCHER_LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = lockChannel.tryLock()) {
            if (lock == null) {
                System.err.println("walgate: another 'walgate up' already runs on " + root + " (pid "
                        + readPid(root.resolve(LAUNCHER_PID))
                                .map(String::valueOf)
                                .orElse("?")
                        + "). Use './walgate status' to see it, './walgate down' to stop it.");
                return 2;
            }
            Files.writeString(
                    root.resolve(LAUNCHER_PID),
                    Long.toString(ProcessHandle.current().pid()));
            // A state file left by a launcher that was killed describes servers that are gone.
            Files.deleteIfExists(root.resolve(Devstack.STATE_FILE));
            return runUntilStopped(options);
        } catch (IOException e) {
            System.err.println("walgate: " + e.getMessage());
            return 2;
        }
    }

    private static int runUntilStopped(Options options) throws IOException {
        Devstack.Builder builder = Devstack.builder(options.dataDir).with(options.components);
        if (options.randomPorts) {
            builder.randomPorts();
        }
        if (options.fresh) {
            // Wipes servers' data and logs before anything starts; the lock and pid file are ours.
            builder.fresh(LAUNCHER_PID, LAUNCHER_LOCK);
        }
        System.out.println("Starting " + options.components + " in " + options.dataDir + " …");
        Devstack devstack = builder.build();
        try {
            devstack.start();
        } catch (DevstackException e) {
            System.err.println("walgate: the devstack did not start.\n" + e.getMessage());
            devstack.close();
            return 2;
        }
        JavaService controller = null;
        JavaService gateway = null;
        if (options.controllerJar != null) {
            try {
                controller = startController(devstack, options);
                if (options.gatewayJar != null) {
                    gateway = startGateway(devstack, controller, options);
                }
                if (options.workerJar != null) {
                    startWorker(devstack, controller, options);
                }
            } catch (DevstackException e) {
                System.err.println("walgate: a Walgate service did not start.\n" + e.getMessage());
                devstack.close();
                return 2;
            }
        }
        Path state = devstack.writeStateFile();
        printReady(devstack, state);
        if (controller != null) {
            System.out.println();
            System.out.println("Try it: curl -X POST " + controller.endpoint()
                    + "/v1/namespaces -d @namespace-controller/examples/namespace-kafka.json");
            if (options.gatewayJar != null) {
                System.out.println(
                        "        curl -X POST localhost:" + options.gatewayPort
                                + "/v1/namespaces/orders/entries -d '{\"json\": {\"total\": 12.5}, \"partitionKey\": \"order-42\"}'");
            }
            if (gateway != null) {
                System.out.println("Or with walctl (docs/cli.md):");
                if (options.randomPorts) {
                    System.out.println("        export WALCTL_CONTROLLER=" + controller.endpoint() + " WALCTL_GATEWAY="
                            + gateway.endpoint());
                }
                System.out.println("        cli/walctl apply -f cli/examples/namespaces.yaml");
                System.out.println("        cli/walctl write orders --data hello --key order-42");
            }
        }
        System.out.println();
        System.out.println("Endpoints for scripts: source " + state);
        System.out.println("Press Ctrl-C to stop everything (or run ./walgate down elsewhere).");
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> System.out.println("\nStopping the devstack …"), "walgate-bye"));
        try {
            Thread.currentThread().join(); // until Ctrl-C or ./walgate down; the shutdown hook stops the servers
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /**
     * Runs the namespace controller against the devstack. Without Keycloak, authentication is off
     * and the controller says so in its log; with it, tokens of the walgate realm are required.
     */
    private static JavaService startController(Devstack devstack, Options options) {
        for (Component needed : List.of(Component.POSTGRES, Component.KAFKA, Component.SQS)) {
            if (!devstack.components().contains(needed)) {
                throw new DevstackException("the controller needs " + needed.id() + "; drop --only or add it");
            }
        }
        Map<String, String> settings =
                WalgateServices.controllerSettings(devstack, WalgateServices.CONTROLLER_DATABASE);
        authSettings(devstack, settings);
        int port = options.randomPorts ? Ports.free() : options.controllerPort;
        return WalgateServices.startController(devstack, options.controllerJar, port, settings);
    }

    /** Runs the gateway: namespaces from the controller's feed, entries into the devstack's logs. */
    private static JavaService startGateway(Devstack devstack, JavaService controller, Options options) {
        Map<String, String> settings = WalgateServices.gatewaySettings(devstack, controller.endpoint());
        authSettings(devstack, settings);
        int port = options.randomPorts ? Ports.free() : options.gatewayPort;
        return WalgateServices.startGateway(devstack, options.gatewayJar, port, settings);
    }

    /** Runs the delivery worker: namespaces from the controller's feed, entries to their targets. */
    private static void startWorker(Devstack devstack, JavaService controller, Options options) {
        Map<String, String> settings = WalgateServices.workerSettings(devstack, controller.endpoint());
        authSettings(devstack, settings);
        int port = options.randomPorts ? Ports.free() : options.workerPort;
        WalgateServices.startWorker(devstack, options.workerJar, port, settings);
    }

    /** Without Keycloak, authentication is off (each service announces it); with it, tokens are required. */
    private static void authSettings(Devstack devstack, Map<String, String> settings) {
        if (devstack.components().contains(Component.KEYCLOAK)) {
            settings.putAll(WalgateServices.authSettings(devstack));
        } else {
            settings.put("walgate.auth.enabled", "false");
        }
    }

    private static void printReady(Devstack devstack, Path state) {
        System.out.println();
        System.out.println("Walgate devstack is ready (data in " + devstack.dataRoot() + "):");
        List<ManagedServer> all = new ArrayList<>();
        devstack.components().forEach(c -> all.add(devstack.server(c)));
        all.addAll(devstack.services());
        for (ManagedServer s : all) {
            System.out.printf(
                    "  %-10s %-44s started in %5.1f s, pid %d, %d MB resident%n",
                    s.name(),
                    s.endpoint(),
                    s.lastStartTime().toMillis() / 1000.0,
                    s.pid().orElse(-1L),
                    s.residentBytes() / (1024 * 1024));
        }
    }

    static int down(Options options) {
        Path root = options.dataDir;
        if (DataFolder.kind(root) == DataFolder.Kind.FOREIGN) {
            // Reaping deletes server.pid files: not in a folder that is not a devstack's.
            System.out.println("Nothing was running in " + root + " (not a Walgate data folder).");
            return 0;
        }
        boolean stopped = false;
        Optional<ProcessHandle> launcher = readPid(root.resolve(LAUNCHER_PID))
                .flatMap(ProcessHandle::of)
                .filter(ProcessHandle::isAlive)
                .filter(p -> ChildProcess.commandLine(p).contains(Main.class.getName()));
        if (launcher.isPresent()) {
            System.out.println("Stopping the devstack (pid " + launcher.get().pid() + ") …");
            ChildProcess.signal(launcher.get().pid(), "TERM");
            try {
                launcher.get().onExit().get(90, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("walgate: the launcher did not stop within 90 s; killing what is left");
            }
            stopped = true;
        }
        List<String> reaped = Devstack.reap(root);
        if (!reaped.isEmpty()) {
            System.out.println("Killed servers left behind: " + String.join(", ", reaped));
        }
        try {
            Files.deleteIfExists(root.resolve(Devstack.STATE_FILE));
            Files.deleteIfExists(root.resolve(LAUNCHER_PID));
        } catch (IOException e) {
            // harmless
        }
        System.out.println(stopped || !reaped.isEmpty() ? "Stopped." : "Nothing was running in " + root + ".");
        return 0;
    }

    static int status(Options options) {
        Path state = options.dataDir.resolve(Devstack.STATE_FILE);
        Map<String, String> endpoints = readEnv(state);
        Optional<Long> launcherPid = readPid(options.dataDir.resolve(LAUNCHER_PID))
                .filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        if (endpoints.isEmpty() || launcherPid.isEmpty()) {
            System.out.println("The devstack is not running in " + options.dataDir + ". Start it with ./walgate up");
            return 3;
        }
        System.out.println("Walgate devstack (pid " + launcherPid.get() + ", data in " + options.dataDir + "):");
        boolean allUp = true;
        for (Map.Entry<String, String> e : endpoints.entrySet()) {
            Optional<Integer> port = portOf(e.getValue());
            if (port.isEmpty()) {
                continue;
            }
            boolean up = Ports.isListening(port.get());
            allUp &= up;
            System.out.printf("  %-26s %-48s %s%n", e.getKey(), e.getValue(), up ? "up" : "NOT ANSWERING");
        }
        return allUp ? 0 : 2;
    }

    static Optional<Integer> portOf(String endpoint) {
        try {
            String withScheme = endpoint.contains("://") ? endpoint.replaceFirst("^jdbc:", "") : "tcp://" + endpoint;
            int port = URI.create(withScheme).getPort();
            return port > 0 ? Optional.of(port) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static Map<String, String> readEnv(Path file) {
        Map<String, String> values = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                int eq = line.indexOf('=');
                if (!line.startsWith("#") && eq > 0 && !line.startsWith("WALGATE_DEVSTACK_PID")) {
                    values.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        } catch (IOException e) {
            // no state file: not running
        }
        return values;
    }

    private static Optional<Long> readPid(Path file) {
        try {
            return Optional.of(Long.parseLong(Files.readString(file).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Parsed command-line options. */
    static final class Options {
        Path dataDir = Path.of(".walgate").toAbsolutePath().normalize();
        boolean fresh;
        boolean randomPorts;
        Path controllerJar;
        int controllerPort = 8081;
        Path gatewayJar;
        int gatewayPort = 8080;
        Path workerJar;
        int workerPort = 8082;
        Set<Component> components = EnumSet.of(Component.KAFKA, Component.SQS, Component.POSTGRES, Component.REDIS);

        static Options parse(String[] args) {
            Options o = new Options();
            List<String> rest = new ArrayList<>(List.of(args));
            while (!rest.isEmpty()) {
                String arg = rest.remove(0);
                switch (arg) {
                    case "--data-dir" ->
                        o.dataDir = Path.of(value(arg, rest)).toAbsolutePath().normalize();
                    case "--fresh" -> o.fresh = true;
                    case "--random-ports" -> o.randomPorts = true;
                    case "--with-keycloak" -> o.components.add(Component.KEYCLOAK);
                    case "--controller-jar" ->
                        o.controllerJar = Path.of(value(arg, rest)).toAbsolutePath();
                    case "--controller-port" -> o.controllerPort = Integer.parseInt(value(arg, rest));
                    case "--gateway-jar" ->
                        o.gatewayJar = Path.of(value(arg, rest)).toAbsolutePath();
                    case "--gateway-port" -> o.gatewayPort = Integer.parseInt(value(arg, rest));
                    case "--worker-jar" ->
                        o.workerJar = Path.of(value(arg, rest)).toAbsolutePath();
                    case "--worker-port" -> o.workerPort = Integer.parseInt(value(arg, rest));
                    case "--only" -> {
                        o.components = EnumSet.noneOf(Component.class);
                        for (String id : value(arg, rest).split(",")) {
                            o.components.add(Component.parse(id));
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
                }
            }
            return o;
        }

        private static String value(String option, List<String> rest) {
            if (rest.isEmpty()) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return rest.remove(0);
        }
    }
}
