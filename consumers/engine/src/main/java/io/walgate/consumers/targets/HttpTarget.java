package io.walgate.consumers.targets;

import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.TargetOp;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

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

    HttpTarget(URI base, Duration timeout) {
        this.base = base;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public Applied apply(Envelope entry) {
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
        try {
            int status = http.send(request.build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
            if (status >= 200 && status < 300) {
                return Applied.done();
            }
            String code = "HTTP_" + status;
            String message = "the upstream answered " + status;
            return status == 408 || status == 429 || status >= 500
                    ? Applied.retry(code, message)
                    : Applied.permanent(code, message);
        } catch (HttpTimeoutException e) {
            return Applied.retry("HTTP_TIMEOUT", "no answer within " + timeout);
        } catch (IOException e) {
            return Applied.retry("HTTP_UNREACHABLE", String.valueOf(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Applied.retry("INTERRUPTED", "the worker is stopping");
        }
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
        // java.net.http.HttpClient holds no resources that need closing on Java 17
    }
}
