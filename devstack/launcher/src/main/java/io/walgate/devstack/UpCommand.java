package io.walgate.devstack;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code walgate up}: starts the devstack in the foreground, supervises it, stops it on Ctrl-C. */
@Command(
        name = "up",
        mixinStandardHelpOptions = true,
        description = {
            "Start the platform in the foreground: Kafka, SQS (ElasticMQ), PostgreSQL and Redis, then the namespace"
                    + " controller, the gateway and the delivery worker. Ctrl-C (or ./walgate down elsewhere) stops"
                    + " everything.",
            "A server that dies is restarted (after 1, 2, 4… s) up to --restarts times within 10 minutes; then it stays"
                    + " down and ./walgate status names the command that restarts it."
        })
final class UpCommand implements Callable<Integer> {
    @Mixin
    DataDirOption dataDir;

    @Option(names = "--fresh", description = "wipe the data folder first (only ever a folder a devstack made)")
    boolean fresh;

    @Option(
            names = "--with-keycloak",
            description = "also Keycloak with the walgate realm; the services then require its tokens")
    boolean withKeycloak;

    @Option(
            names = "--only",
            split = ",",
            paramLabel = "NAME",
            converter = ServerNameConverter.class,
            description = "just these, e.g. kafka,postgres or postgres,kafka,sqs,controller"
                    + " (kafka, sqs, postgres, redis, keycloak, controller, gateway, worker)")
    List<String> only;

    @Option(names = "--random-ports", description = "free ports instead of the defaults (./walgate status shows them)")
    boolean randomPorts;

    @Option(
            names = "--controller-port",
            paramLabel = "PORT",
            defaultValue = "8081",
            description = "default: ${DEFAULT-VALUE}")
    int controllerPort;

    @Option(
            names = "--gateway-port",
            paramLabel = "PORT",
            defaultValue = "8080",
            description = "default: ${DEFAULT-VALUE}")
    int gatewayPort;

    @Option(
            names = "--worker-port",
            paramLabel = "PORT",
            defaultValue = "8082",
            description = "default: ${DEFAULT-VALUE}")
    int workerPort;

    @Option(
            names = "--restarts",
            paramLabel = "N",
            defaultValue = "5",
            description = "how often a crashed server is restarted within 10 minutes before it is left down;"
                    + " 0: never (default: ${DEFAULT-VALUE})")
    int restarts;

    /** The servers to run: the four core ones unless {@code --only}, Keycloak when asked. */
    Set<Component> components() {
        Set<Component> chosen = EnumSet.noneOf(Component.class);
        if (only == null) {
            chosen.addAll(EnumSet.of(Component.KAFKA, Component.SQS, Component.POSTGRES, Component.REDIS));
        } else {
            for (Component c : Component.values()) {
                if (only.contains(c.id())) {
                    chosen.add(c);
                }
            }
        }
        if (withKeycloak) {
            chosen.add(Component.KEYCLOAK);
        }
        return chosen;
    }

    /** Walgate's services to run: all three unless {@code --only} leaves them out. */
    Set<ServiceJars> services() {
        Set<ServiceJars> chosen = EnumSet.noneOf(ServiceJars.class);
        for (ServiceJars s : ServiceJars.values()) {
            if (only == null || only.contains(ServerNames.name(s))) {
                chosen.add(s);
            }
        }
        return chosen;
    }

    @Override
    public Integer call() throws IOException {
        Path root = dataDir.path();
        // Before the lock file lands in it: a folder that is not a devstack's is never used, let alone wiped.
        DataFolder.claim(root);
        try (FileChannel lockChannel = FileChannel.open(
                        root.resolve(Main.LAUNCHER_LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = lockChannel.tryLock()) {
            if (lock == null) {
                System.err.println("walgate: another 'walgate up' already runs on " + root + " (pid "
                        + ProcessRecord.read(root.resolve(Main.LAUNCHER_PID))
                                .map(r -> Long.toString(r.pid()))
                                .orElse("?")
                        + "). Use './walgate status' to see it, './walgate down' to stop it.");
                return Main.FAILED;
            }
            // The record by which down, status and restart recognise this launcher from elsewhere.
            ProcessRecord.write(
                    root.resolve(Main.LAUNCHER_PID), ProcessHandle.current().pid());
            // A state file left by a launcher that was killed describes servers that are gone.
            Files.deleteIfExists(root.resolve(Devstack.STATE_FILE));
            return runUntilStopped(root);
        }
    }

    private int runUntilStopped(Path root) throws IOException {
        Set<Component> components = components();
        Set<ServiceJars> services = services();
        requireWhatServicesNeed(components, services);
        Devstack.Builder builder = Devstack.builder(root).with(components);
        if (randomPorts) {
            builder.randomPorts();
        }
        if (fresh) {
            // Wipes servers' data and logs before anything starts; the lock and the record are ours.
            builder.fresh(Main.LAUNCHER_PID, Main.LAUNCHER_LOCK);
        }
        System.out.println(
                "Starting " + components + (services.isEmpty() ? "" : " and " + services) + " in " + root + " …");
        Devstack devstack = builder.build();
        ServiceStarter starter = new ServiceStarter(devstack, randomPorts, controllerPort, gatewayPort, workerPort);
        try {
            devstack.start();
            starter.start(services);
        } catch (DevstackException e) {
            System.err.println("walgate: the devstack did not start.\n" + e.getMessage());
            devstack.close();
            return Main.FAILED;
        }
        Path state = devstack.writeStateFile();
        printReady(devstack);
        starter.printHints(state);
        System.out.println("Press Ctrl-C to stop everything (or run ./walgate down elsewhere).");

        List<ManagedServer> supervised = new ArrayList<>();
        components.forEach(c -> supervised.add(devstack.server(c)));
        supervised.addAll(devstack.services());
        Supervisor supervisor = new Supervisor(supervised, restarts, dataDir.asArgument());
        Thread supervising = new Thread(supervisor, "walgate-supervisor");
        supervising.setDaemon(true);
        supervising.start();
        devstack.beforeStopping(() -> {
            supervisor.stop(); // returns once no restart is under way; none starts after it
            System.out.println("\nStopping the devstack …");
        });
        try {
            Thread.currentThread().join(); // until Ctrl-C or ./walgate down; the shutdown hooks stop the servers
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Main.OK;
    }

    /** Fails before anything starts when a chosen service lacks a server or a service it needs. */
    private static void requireWhatServicesNeed(Set<Component> components, Set<ServiceJars> services) {
        if (services.isEmpty()) {
            return;
        }
        for (Component needed : List.of(Component.POSTGRES, Component.KAFKA, Component.SQS)) {
            if (!components.contains(needed)) {
                throw new DevstackException(
                        "the Walgate services need " + needed.id() + "; add it to --only, or leave the services out");
            }
        }
        if (!services.contains(ServiceJars.CONTROLLER)) {
            throw new DevstackException("the gateway and the worker need the controller; add it to --only");
        }
        services.forEach(ServiceJars::jar); // a missing jar fails here, naming its build, before servers start
    }

    private static void printReady(Devstack devstack) {
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

    /** Parses each name of {@code --only}, naming the known ones when it is not one of them. */
    static final class ServerNameConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                return ServerNames.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
