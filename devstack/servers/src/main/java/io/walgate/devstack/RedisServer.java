package io.walgate.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A real {@code redis-server}: the machine's own when one is on the PATH, else the linux binary
 * shipped in {@code com.github.codemonstur:embedded-redis}. Append-only persistence under its data
 * folder, so a restart keeps the keys.
 */
public final class RedisServer extends ManagedServer {
    private static final String SHIPPED_BINARY = "redis-server-6.2.6-v5-linux-amd64";

    private final int port;

    public RedisServer(Path dataRoot, int port) {
        super("redis", dataRoot);
        this.port = port;
    }

    /** {@code redis://127.0.0.1:port}. */
    public String url() {
        return "redis://" + Ports.LOOPBACK + ":" + port;
    }

    public int port() {
        return port;
    }

    @Override
    protected Map<Integer, String> ports() {
        return Map.of(port, "Redis");
    }

    @Override
    public String endpoint() {
        return url();
    }

    @Override
    public Map<String, String> endpoints() {
        return Map.of("WALGATE_REDIS_URL", url());
    }

    @Override
    protected List<String> command() {
        return List.of(
                binary(),
                "--port",
                Integer.toString(port),
                "--bind",
                Ports.LOOPBACK,
                "--dir",
                dir().toString(),
                "--appendonly",
                "yes",
                "--save",
                "",
                "--daemonize",
                "no",
                "--protected-mode",
                "no",
                "--logfile",
                "");
    }

    @Override
    protected boolean isReady() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(Ports.LOOPBACK, port), 500);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = in.readNBytes(7);
            return new String(reply, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    private static String binary() {
        String own = System.getenv().getOrDefault("WALGATE_REDIS_SERVER", "");
        if (!own.isBlank()) {
            return own;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        Path jar = Artifacts.file("redis.jar");
        return Unpacker.cached(
                        "redis-6.2.6",
                        dir -> Unpacker.extractExecutable(jar, SHIPPED_BINARY, dir.resolve("redis-server")))
                .resolve("redis-server")
                .toString();
    }
}
