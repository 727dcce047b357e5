package io.walgate.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A set of real servers on loopback, with their data under one folder.
 *
 * <p>Three users share it: the {@code walgate} launcher (module {@code devstack/launcher}),
 * integration tests through {@code DevstackExtension} (module {@code devstack/fixture}), and e2e. A {@link Builder} decides which servers exist and on which
 * ports; {@link #start()} starts them (in parallel), {@link #close()} stops them in reverse order.
 * A shutdown hook stops whatever is still running when the JVM exits, and each child also dies by
 * itself when this JVM is killed (see {@link ManagedServer}).
 */
public final class Devstack implements AutoCloseable {
    public static final String STATE_FILE = "devstack.env";
    /** In {@link #STATE_FILE}, the comment before a server's variables: {@code # server redis}. */
    public static final String SERVER_LINE = "# server ";

    private final Path dataRoot;
    private final Map<Component, ManagedServer> servers;
    /** Walgate's own services run on top of the servers; they stop first. */
    private final List<ManagedServer> services = new CopyOnWriteArrayList<>();

    private final Thread shutdownHook;
    /** Run first when the devstack stops, whether by {@link #close()} or the JVM's shutdown. */
    private final List<Runnable> beforeStopping = new CopyOnWriteArrayList<>();

    private Devstack(Path dataRoot, Map<Component, ManagedServer> servers) {
        this.dataRoot = dataRoot;
        this.servers = servers;
        this.shutdownHook = new Thread(this::stopQuietly, "walgate-devstack-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    public static Builder builder(Path dataRoot) {
        return new Builder(dataRoot.toAbsolutePath().normalize());
    }

    public Path dataRoot() {
        return dataRoot;
    }

    public KafkaServer kafka() {
        return server(Component.KAFKA, KafkaServer.class);
    }

    public SqsServer sqs() {
        return server(Component.SQS, SqsServer.class);
    }

    public PostgresServer postgres() {
        return server(Component.POSTGRES, PostgresServer.class);
    }

    public RedisServer redis() {
        return server(Component.REDIS, RedisServer.class);
    }

    public KeycloakServer keycloak() {
        return server(Component.KEYCLOAK, KeycloakServer.class);
    }

    public Set<Component> components() {
        return servers.keySet();
    }

    public ManagedServer server(Component component) {
        ManagedServer server = servers.get(component);
        if (server == null) {
            throw new IllegalStateException(component.id() + " is not part of this devstack; add it to the builder");
        }
        return server;
    }

    private <T extends ManagedServer> T server(Component component, Class<T> type) {
        return type.cast(server(component));
    }

    /**
     * Starts every server that is not running yet, in parallel, and returns once all answer.
     *
     * @throws DevstackException naming each server that failed; the others keep running
     */
    public void start() {
        start(servers.keySet().toArray(new Component[0]));
    }

    /** Starts just these servers (in parallel), e.g. to keep a slow one for the tests that need it. */
    public void start(Component... chosen) {
        List<ManagedServer> toStart = new ArrayList<>();
        for (Component c : chosen) {
            toStart.add(server(c));
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, toStart.size()), r -> {
            Thread t = new Thread(r, "walgate-devstack-start");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (ManagedServer server : toStart) {
                futures.add(pool.submit(server::start));
            }
            List<String> failures = new ArrayList<>();
            for (Future<?> future : futures) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    failures.add(e.getCause().getMessage());
                }
            }
            if (!failures.isEmpty()) {
                throw new DevstackException(String.join("\n\n", failures));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DevstackException("interrupted while starting the devstack", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Starts one of Walgate's own services on top of the servers; it is stopped before them, and
     * its endpoints join {@link #endpoints()}.
     */
    public void startService(ManagedServer service) {
        services.add(service);
        service.start();
    }

    public List<ManagedServer> services() {
        return List.copyOf(services);
    }

    /** Every running server's and service's endpoints, as {@code WALGATE_*} variables. */
    public Map<String, String> endpoints() {
        Map<String, String> all = new TreeMap<>();
        servers.values().stream().filter(ManagedServer::isRunning).forEach(s -> all.putAll(s.endpoints()));
        services.stream().filter(ManagedServer::isRunning).forEach(s -> all.putAll(s.endpoints()));
        return all;
    }

    /**
     * Writes {@code devstack.env} into the data folder: the endpoints, for {@code source} in a shell
     * and for {@code walgate status}. Each server's variables follow a {@value #SERVER_LINE} comment
     * naming it, so that {@code status} and {@code restart} know whose endpoint is whose.
     */
    public Path writeStateFile() throws IOException {
        StringBuilder text = new StringBuilder("# Written by the Walgate devstack; removed when it stops.\n");
        List<ManagedServer> all = new ArrayList<>(servers.values());
        all.addAll(services);
        for (ManagedServer server : all) {
            if (server.isRunning()) {
                text.append(SERVER_LINE).append(server.name()).append('\n');
                new TreeMap<>(server.endpoints())
                        .forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
            }
        }
        text.append("WALGATE_DEVSTACK_PID=")
                .append(ProcessHandle.current().pid())
                .append('\n');
        Path file = dataRoot.resolve(STATE_FILE);
        Files.writeString(file, text);
        return file;
    }

    /**
     * Runs {@code action} first when the devstack stops, before any server is stopped: a supervisor
     * stops restarting servers there (a JVM's shutdown hooks run in no order, so a hook of its own
     * could run after the servers began to stop).
     */
    public void beforeStopping(Runnable action) {
        beforeStopping.add(action);
    }

    /** Stops every server, in reverse order of the components. */
    @Override
    public void close() {
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook is running or has run
        }
    }

    private void stopQuietly() {
        for (Runnable action : beforeStopping) {
            try {
                action.run();
            } catch (RuntimeException e) {
                System.err.println("walgate: before stopping the devstack: " + e);
            }
        }
        beforeStopping.clear();
        List<ManagedServer> reversed = new ArrayList<>(servers.values());
        reversed.addAll(services);
        Collections.reverse(reversed);
        for (ManagedServer server : reversed) {
            try {
                server.stop();
            } catch (RuntimeException e) {
                System.err.println("walgate devstack: could not stop " + server.name() + ": " + e.getMessage());
            }
        }
        try {
            Files.deleteIfExists(dataRoot.resolve(STATE_FILE));
        } catch (IOException e) {
            // harmless: status checks that the pids in it are alive
        }
    }

    /** Chooses the servers, their ports and the data folder. */
    public static final class Builder {
        private final Path dataRoot;
        private final Set<Component> components = EnumSet.noneOf(Component.class);
        private boolean randomPorts;
        private boolean fresh;
        private Set<String> keep = Set.of();

        private Builder(Path dataRoot) {
            this.dataRoot = dataRoot;
        }

        public Builder with(Component... chosen) {
            components.addAll(List.of(chosen));
            return this;
        }

        public Builder with(Set<Component> chosen) {
            components.addAll(chosen);
            return this;
        }

        /** Free ports chosen at build time instead of the defaults: for tests, which may run side by side. */
        public Builder randomPorts() {
            this.randomPorts = true;
            return this;
        }

        /**
         * Wipe the data folder first (after reaping anything left running in it), but for the
         * entries named in {@code keep} (the launcher's lock and pid file, which it holds already).
         * Only a devstack's own data folder is wiped: {@link #build()} refuses any other non-empty
         * folder (see {@link DataFolder}).
         */
        public Builder fresh(String... keep) {
            this.fresh = true;
            this.keep = Set.of(keep);
            return this;
        }

        public Devstack build() {
            if (components.isEmpty()) {
                throw new IllegalStateException("choose at least one component");
            }
            if (fresh) {
                // Refuses a folder that is not a devstack's before anything in it is touched.
                DataFolder.claim(dataRoot);
            }
            DataFolder.reap(dataRoot);
            if (fresh) {
                Set<String> kept = new HashSet<>(keep);
                kept.add(DataFolder.MARKER);
                DataFolder.wipe(dataRoot, kept);
            }
            try {
                Files.createDirectories(dataRoot);
            } catch (IOException e) {
                throw new DevstackException("cannot create " + dataRoot + ": " + e.getMessage(), e);
            }
            DataFolder.markIfOurs(dataRoot);
            Map<Component, ManagedServer> servers = new EnumMap<>(Component.class);
            for (Component c : components) {
                int[] ports = randomPorts ? freePorts(c.defaultPorts().length) : c.defaultPorts();
                servers.put(c, create(c, ports));
            }
            return new Devstack(dataRoot, servers);
        }

        private ManagedServer create(Component c, int[] ports) {
            return switch (c) {
                case KAFKA -> new KafkaServer(dataRoot, ports[0], ports[1]);
                case SQS -> new SqsServer(dataRoot, ports[0]);
                case POSTGRES -> new PostgresServer(dataRoot, ports[0]);
                case REDIS -> new RedisServer(dataRoot, ports[0]);
                case KEYCLOAK -> new KeycloakServer(dataRoot, ports[0], ports[1]);
            };
        }

        private static int[] freePorts(int count) {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                int port;
                do {
                    port = Ports.free();
                } while (contains(ports, i, port));
                ports[i] = port;
            }
            return ports;
        }

        private static boolean contains(int[] ports, int upTo, int port) {
            for (int i = 0; i < upTo; i++) {
                if (ports[i] == port) {
                    return true;
                }
            }
            return false;
        }
    }
}
