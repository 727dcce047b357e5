package io.walgate.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.walgate.contract.namespace.NamespaceSpec;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Keeps a {@link NamespaceCache} in step with the controller's change feed: reads everything after
 * the cache's version, then long-polls. When the controller is unreachable it keeps retrying with
 * backoff, and the service keeps serving from the cache meanwhile.
 */
public final class ChangeFeedFollower implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ChangeFeedFollower.class.getName());
    private static final Duration WAIT = Duration.ofSeconds(25);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private final URI controller;
    private final NamespaceCache cache;
    private final ObjectMapper json;
    private final Supplier<Optional<String>> token;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param token a bearer token for the controller, when authentication is on
     */
    public ChangeFeedFollower(
            URI controller, NamespaceCache cache, ObjectMapper json, Supplier<Optional<String>> token) {
        this.controller = controller;
        this.cache = cache;
        this.json = json;
        this.token = token;
        this.thread = new Thread(this::run, "walgate-change-feed");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        Duration backoff = Duration.ofMillis(200);
        while (running) {
            try {
                boolean more = pollOnce(cache.caughtUp() ? WAIT : Duration.ZERO);
                if (!more && !cache.caughtUp()) {
                    cache.markCaughtUp();
                    LOG.log(
                            Level.INFO,
                            () -> "namespace cache caught up at version " + cache.version() + " with " + cache.size()
                                    + " namespaces");
                }
                backoff = Duration.ofMillis(200);
            } catch (IOException | RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.log(
                        Level.WARNING,
                        "change feed of " + controller + " unreachable (serving from cache, version " + cache.version()
                                + "); retrying in " + backoff.toMillis() + " ms: " + e.getMessage());
                sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Reads one page; returns whether a full page came back (so there may be more right away). */
    boolean pollOnce(Duration wait) throws IOException, InterruptedException {
        int limit = 1000;
        URI uri = controller.resolve(
                "/v1/namespaces/changes?after=" + cache.version() + "&limit=" + limit + "&wait=" + wait);
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri).timeout(wait.plusSeconds(10)).GET();
        token.get().ifPresent(t -> request.header("Authorization", "Bearer " + t));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("the controller answered " + response.statusCode() + ": " + response.body());
        }
        JsonNode page = json.readTree(response.body());
        JsonNode changes = page.path("changes");
        for (JsonNode change : changes) {
            NamespaceSpec spec = json.treeToValue(change.path("spec"), NamespaceSpec.class);
            cache.apply(change.path("version").asLong(), spec);
        }
        return changes.size() >= limit;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
