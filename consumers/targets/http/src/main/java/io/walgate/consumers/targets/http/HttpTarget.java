package io.walgate.consumers.targets.http;

import io.walgate.consumers.targets.HttpCalls;
import io.walgate.consumers.targets.Target;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.TargetOp;
import io.walgate.contract.namespace.TargetOptions;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Calls an upstream service: {@code PUT} (or {@code DELETE}) {@code <url>[/<path>]/<key>} with the
 * payload and the envelope's identity in headers ({@code Walgate-Entry-Id}, {@code
 * Walgate-Attempt}, {@code traceparent}, user headers as {@code Walgate-Header-<name>}). 2xx is
 * success; 408, 429, 5xx, timeouts and connection failures are transient; other 4xx permanent.
 */
final class HttpTarget implements Target {
    private final URI base;
    private final String defaultPath;
    private final HttpClient http;
    private final Duration timeout;
    private final ExecutorService lanes;
    private static final int LANES = 16;

    /**
     * @param defaultPath the region's own {@code path} (null: none), used where an entry gives none
     * @param http shared with the factory's other targets of the same {@code timeout} ({@link #client})
     * @param lanes run a batch's lanes beyond the first (which runs on the caller's thread); the
     *     factory's, shared
     */
    HttpTarget(URI base, String defaultPath, Duration timeout, HttpClient http, ExecutorService lanes) {
        this.base = base;
        this.defaultPath = defaultPath == null ? "" : defaultPath;
        this.timeout = timeout;
        this.http = http;
        this.lanes = lanes;
    }

    /** A client for targets of this connect timeout; thread-safe, shared. */
    static HttpClient client(Duration connectTimeout) {
        // HTTP/1.1: an upgrade to h2c on every new connection buys nothing on a private network.
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .build();
    }

    /** One request, bounded as a whole by the timeout, on this thread ({@link HttpCalls}). */
    @Override
    public Applied apply(Envelope entry) {
        Optional<String> badPath = pathProblem(entry);
        if (badPath.isPresent()) {
            // The gateway refuses these; an entry already on the log must not reach another resource.
            return Applied.permanent("HTTP_BAD_PATH", badPath.get());
        }
        try {
            return outcome(HttpCalls.send(http, request(entry), HttpResponse.BodyHandlers.discarding(), timeout)
                    .statusCode());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Applied.retry("INTERRUPTED", "the worker is stopping");
        } catch (IOException | IllegalArgumentException e) {
            return failure(e);
        } catch (RuntimeException e) {
            // Not one the HTTP client documents: the same entry would meet it again.
            return Applied.permanent("UNEXPECTED_ERROR", e.toString());
        }
    }

    /**
     * Up to {@value #LANES} calls at a time: entries of one key go down one lane, one after the
     * other, so the upstream still sees each key's entries in order; different keys overlap, so a
     * batch costs about its longest lane rather than the sum of its round trips. The first lane runs
     * on this thread, the others on the factory's lane threads.
     */
    @Override
    public List<Applied> applyAll(List<Envelope> entries) {
        if (entries.isEmpty()) {
            return List.of();
        }
        int count = Math.min(LANES, entries.size());
        List<List<Integer>> byLane = new ArrayList<>();
        for (int l = 0; l < count; l++) {
            byLane.add(new ArrayList<>());
        }
        for (int i = 0; i < entries.size(); i++) {
            Envelope entry = entries.get(i);
            // Order is kept per partition key (what the log orders by), whatever the target key is.
            String key = entry.partitionKey() != null ? entry.partitionKey() : entry.effectiveKey();
            byLane.get(Math.floorMod(key == null ? i : key.hashCode(), count)).add(i);
        }
        Applied[] results = new Applied[entries.size()];
        List<Future<?>> others = new ArrayList<>();
        for (List<Integer> lane : byLane.subList(1, count)) {
            if (!lane.isEmpty()) {
                // With every lane thread busy, or the factory closed, this thread runs it at once.
                others.add(lanes.submit(() -> lane.forEach(i -> results[i] = apply(entries.get(i)))));
            }
        }
        byLane.get(0).forEach(i -> results[i] = apply(entries.get(i)));
        for (Future<?> other : others) {
            try {
                other.get();
            } catch (InterruptedException e) {
                others.forEach(f -> f.cancel(true)); // each call in flight ends as interrupted
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException e) {
                // apply() answers every failure: nothing reaches here
            }
        }
        for (int i = 0; i < results.length; i++) {
            if (results[i] == null) {
                results[i] = Applied.retry("INTERRUPTED", "the worker is stopping");
            }
        }
        return List.of(results);
    }

    private HttpRequest request(Envelope entry) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(entry))
                .timeout(timeout)
                .header("Content-Type", entry.contentType())
                .header("Walgate-Entry-Id", entry.id().toString())
                .header("Walgate-Attempt", Integer.toString(entry.attempt()));
        if (entry.traceparent() != null) {
            request.header("traceparent", entry.traceparent());
        }
        entry.headers().forEach((name, value) -> request.header("Walgate-Header-" + name, value));
        if (entry.target().op() == TargetOp.DELETE) {
            request.DELETE();
        } else {
            request.PUT(HttpRequest.BodyPublishers.ofByteArray(entry.payload()));
        }
        return request.build();
    }

    private static Applied outcome(int status) {
        if (status >= 200 && status < 300) {
            return Applied.done();
        }
        String code = "HTTP_" + status;
        String message = "the upstream answered " + status;
        return status == 408 || status == 429 || status >= 500
                ? Applied.retry(code, message)
                : Applied.permanent(code, message);
    }

    private Applied failure(Exception e) {
        if (e instanceof IllegalArgumentException) {
            // A header or key the HTTP client refuses to send: no retry will fix it.
            return Applied.permanent("HTTP_BAD_REQUEST", String.valueOf(e.getMessage()));
        }
        if (e instanceof HttpTimeoutException) {
            return Applied.retry("HTTP_TIMEOUT", "no whole answer within " + timeout);
        }
        return Applied.retry("HTTP_UNREACHABLE", String.valueOf(e.getMessage()));
    }

    private Optional<String> pathProblem(Envelope entry) {
        String path = entry.target().options().getOrDefault("path", defaultPath);
        String key = entry.effectiveKey();
        return Optional.ofNullable(path)
                .flatMap(TargetOptions::pathProblem)
                .or(() -> key == null || key.isEmpty() ? Optional.empty() : TargetOptions.segmentProblem(key));
    }

    /** {@code <url>[/<path>]/<key>}, each segment of the path and the key percent-encoded on its own. */
    private URI uri(Envelope entry) {
        String path = entry.target().options().getOrDefault("path", defaultPath);
        String key = entry.effectiveKey();
        StringBuilder s = new StringBuilder(base.toString().replaceAll("/+$", ""));
        for (String segment : path.replaceAll("^/+|/+$", "").split("/")) {
            if (!segment.isEmpty()) {
                s.append('/').append(encode(segment));
            }
        }
        if (key != null && !key.isEmpty()) {
            s.append('/').append(encode(key));
        }
        return URI.create(s.toString());
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public void close() {
        // the client is the factory's, shared with other targets
    }
}
