package io.walgate.consumers.targets.http;

import io.walgate.consumers.targets.Target;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.TargetOp;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Calls an upstream service: {@code PUT} (or {@code DELETE}) {@code <url>[/<path>]/<key>} with the
 * payload and the envelope's identity in headers ({@code Walgate-Entry-Id}, {@code
 * Walgate-Attempt}, {@code traceparent}, user headers as {@code Walgate-Header-<name>}). 2xx is
 * success; 408, 429, 5xx, timeouts and connection failures are transient; other 4xx permanent.
 */
final class HttpTarget implements Target {
    private final URI base;
    private final HttpClient http;
    private final Duration timeout;
    private static final int LANES = 16;

    /** @param http shared with the factory's other targets of the same {@code timeout} ({@link #client}) */
    HttpTarget(URI base, Duration timeout, HttpClient http) {
        this.base = base;
        this.timeout = timeout;
        this.http = http;
    }

    /** A client for targets of this connect timeout; thread-safe, shared. */
    static HttpClient client(Duration connectTimeout) {
        // HTTP/1.1: an upgrade to h2c on every new connection buys nothing on a private network.
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .build();
    }

    @Override
    public Applied apply(Envelope entry) {
        try {
            return outcome(exchange(request(entry)).get().statusCode());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Applied.retry("INTERRUPTED", "the worker is stopping");
        } catch (ExecutionException e) {
            return failure(e.getCause() == null ? e : e.getCause());
        } catch (IllegalArgumentException e) {
            return failure(e);
        }
    }

    /**
     * One request, bounded as a whole by the timeout: the client's own timeout covers only the
     * wait for the response's headers, and an upstream that trickles its body would otherwise hold
     * the delivery thread for ever. A request that runs out of time is cancelled.
     */
    private CompletableFuture<HttpResponse<Void>> exchange(HttpRequest request) {
        CompletableFuture<HttpResponse<Void>> call = http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        return call.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((response, e) -> {
            if (e instanceof TimeoutException) {
                call.cancel(true);
            }
        });
    }

    /**
     * Up to {@value #LANES} calls at a time: entries of one key go down one lane, one after the
     * other, so the upstream still sees each key's entries in order; different keys overlap, so a
     * batch costs about its longest lane rather than the sum of its round trips.
     */
    @Override
    public List<Applied> applyAll(List<Envelope> entries) {
        Applied[] results = new Applied[entries.size()];
        int lanes = Math.min(LANES, entries.size());
        List<CompletableFuture<Void>> tails = new ArrayList<>();
        for (int l = 0; l < lanes; l++) {
            tails.add(CompletableFuture.completedFuture(null));
        }
        for (int i = 0; i < entries.size(); i++) {
            Envelope entry = entries.get(i);
            // Order is kept per partition key (what the log orders by), whatever the target key is.
            String key = entry.partitionKey() != null ? entry.partitionKey() : entry.effectiveKey();
            int lane = Math.floorMod(key == null ? i : key.hashCode(), lanes);
            int at = i;
            tails.set(
                    lane,
                    tails.get(lane)
                            .thenCompose(ignored -> exchange(request(entry)))
                            .handle((response, e) -> {
                                results[at] = e == null ? outcome(response.statusCode()) : failure(e);
                                return null;
                            }));
        }
        try {
            CompletableFuture.allOf(tails.toArray(CompletableFuture[]::new)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // each lane records its own failures; nothing reaches here
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

    private Applied failure(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof IllegalArgumentException) {
            // A header or key the HTTP client refuses to send: no retry will fix it.
            return Applied.permanent("HTTP_BAD_REQUEST", String.valueOf(cause.getMessage()));
        }
        if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
            return Applied.retry("HTTP_TIMEOUT", "no answer within " + timeout);
        }
        return Applied.retry("HTTP_UNREACHABLE", String.valueOf(cause.getMessage()));
    }

    private URI uri(Envelope entry) {
        String path = entry.target().options().getOrDefault("path", "");
        String key = entry.effectiveKey();
        StringBuilder s = new StringBuilder(base.toString().replaceAll("/+$", ""));
        if (!path.isEmpty()) {
            s.append('/').append(path.replaceAll("^/+|/+$", ""));
        }
        if (key != null && !key.isEmpty()) {
            s.append('/').append(URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return URI.create(s.toString());
    }

    @Override
    public void close() {
        // the client is the factory's, shared with other targets
    }
}
