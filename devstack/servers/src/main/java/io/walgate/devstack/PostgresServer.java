package io.walgate.devstack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A real PostgreSQL server: the binaries of {@code io.zonky.test.postgres} from Maven Central, or
 * the machine's own when {@code WALGATE_POSTGRES_BIN} names their folder. Trust authentication on
 * loopback only, user {@code postgres}, no Unix socket.
 *
 * <p>PostgreSQL refuses to run as root. When this JVM is root, the server runs in a user namespace
 * ({@code unshare --user}) where it is an ordinary user that still owns its data folder.
 */
public final class PostgresServer extends ManagedServer {
    public static final String USER = "postgres";

    private final int port;

    public PostgresServer(Path dataRoot, int port) {
        super("postgres", dataRoot);
        this.port = port;
    }

    public int port() {
        return port;
    }

    /** JDBC URL of database {@code database}. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + Ports.LOOPBACK + ":" + port + "/" + database;
    }

    /** A new connection to database {@code database} as {@link #USER}. */
    public Connection connect(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", USER);
        props.setProperty("connectTimeout", "2");
        props.setProperty("socketTimeout", "30");
        return DriverManager.getConnection(jdbcUrl(database), props);
    }

    /** Creates database {@code name} unless it exists. */
    public void createDatabase(String name) {
        if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
        try (Connection c = connect("postgres");
                Statement s = c.createStatement()) {
            var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'");
            if (!rs.next()) {
                s.execute("CREATE DATABASE " + name);
            }
        } catch (SQLException e) {
            throw new DevstackException("cannot create database " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    protected Map<Integer, String> ports() {
        return Map.of(port, "PostgreSQL");
    }

    @Override
    public String endpoint() {
        return jdbcUrl("postgres");
    }

    @Override
    public Map<String, String> endpoints() {
        return Map.of("WALGATE_POSTGRES_URL", jdbcUrl("postgres"), "WALGATE_POSTGRES_USER", USER);
    }

    @Override
    protected String stopSignal() {
        return "INT"; // "fast" shutdown: TERM ("smart") would wait for every client to disconnect
    }

    private Path pgdata() {
        return dir().resolve("pgdata");
    }

    @Override
    protected void prepare() {
        if (Files.exists(pgdata().resolve("PG_VERSION"))) {
            return;
        }
        List<String> initdb = asServerUser(bin().resolve("initdb").toString());
        initdb.addAll(List.of("-A", "trust", "-U", USER, "-E", "UTF8", "--no-locale", "-D", pgdata().toString()));
        ChildProcess.runToCompletion(initdb, Map.of(), dir(), logFile(), 120);
    }

    @Override
    protected List<String> command() {
        List<String> command = asServerUser(bin().resolve("postgres").toString());
        command.addAll(List.of(
                "-D", pgdata().toString(),
                "-p", Integer.toString(port),
                "-h", Ports.LOOPBACK,
                "-k", "",
                "-c", "max_connections=200",
                "-c", "shared_buffers=128MB",
                "-c", "fsync=on",
                "-c", "logging_collector=off"));
        return command;
    }

    @Override
    protected boolean isReady() {
        if (!Ports.isListening(port)) {
            return false;
        }
        try (Connection c = connect("postgres");
                Statement s = c.createStatement()) {
            return s.execute("SELECT 1");
        } catch (SQLException e) {
            return false;
        }
    }

    private static List<String> asServerUser(String binary) {
        List<String> command = new ArrayList<>();
        if (isRoot()) {
            command.addAll(List.of("unshare", "--user", "--map-user=1000", "--map-group=1000"));
        }
        command.add(binary);
        return command;
    }

    private static Path bin() {
        String own = System.getenv().getOrDefault("WALGATE_POSTGRES_BIN", "");
        if (!own.isBlank()) {
            return Path.of(own);
        }
        Path jar = Artifacts.file("postgres.binaries");
        String version = Artifacts.get("postgres.version");
        return Unpacker.cached(
                        "postgres-" + version, dir -> Unpacker.untarXzFromJar(jar, "postgres-linux-x86_64.txz", dir))
                .resolve("bin");
    }
}
