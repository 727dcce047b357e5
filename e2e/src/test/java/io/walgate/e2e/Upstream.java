package io.walgate.e2e;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP target's upstream as a small datastore: it keeps the last body PUT at each key, applies
 * an entry once however often it is sent (by its {@code Walgate-Entry-Id}, as an idempotent service
 * does), and counts what it was sent, and when. While it is {@linkplain #refuse refusing}, it
 * answers 400 to everything: the entries are dead-lettered at their first attempt.
 */
final class Upstream implements AutoCloseable {
    private final HttpServer server;
    private final AtomicBoolean refusing = new AtomicBoolean();
    private final Map<String, String> values = new ConcurrentHashMap<>();
    private final Map<String, String> idsByKey = new ConcurrentHashMap<>();
    private final Set<String> applied = ConcurrentHashMap.newKeySet();
    private final AtomicInteger deliveries = new AtomicInteger();
    private final List<Long> appliedAt = Collections.synchronizedList(new ArrayList<>());

    Upstream() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            int status = 400;
            if (!refusing.get()) {
                deliveries.incrementAndGet();
                String id = exchange.getRequestHeaders().getFirst("Walgate-Entry-Id");
                if (applied.add(id)) {
                    String path = exchange.getRequestURI().getPath();
                    String key = path.substring(path.lastIndexOf('/') + 1);
                    values.put(key, new String(body, StandardCharsets.UTF_8));
                    idsByKey.put(key, id);
                    appliedAt.add(System.nanoTime());
                }
                status = 204;
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    /** The target URL of a namespace's region: {@code /items/<key>}. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/items";
    }

    void refuse(boolean refuse) {
        refusing.set(refuse);
    }

    /** The body last applied at each key. */
    Map<String, String> values() {
        return values;
    }

    /** The entry last applied at {@code key}. */
    String entryAt(String key) {
        return idsByKey.get(key);
    }

    /** Entries applied, each once. */
    int applied() {
        return applied.size();
    }

    /** Requests accepted, repeats of an entry included. */
    int deliveries() {
        return deliveries.get();
    }

    /** Applies per second, from the first to the last apply. */
    double applyRate() {
        List<Long> times = new ArrayList<>(appliedAt);
        Collections.sort(times);
        return (times.size() - 1) * 1e9 / (times.get(times.size() - 1) - times.get(0));
    }

    /** Forgets everything it holds: a datastore wiped. */
    void wipe() {
        values.clear();
        idsByKey.clear();
        applied.clear();
        appliedAt.clear();
        deliveries.set(0);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
