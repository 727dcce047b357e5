package io.walgate.consumers.targets.wal;

import io.walgate.consumers.targets.HttpCalls;
import io.walgate.consumers.targets.Target;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.TargetOp;
import io.walgate.contract.namespace.NamespaceSpec;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Forwards each entry to another Walgate (another region's gateway): {@code POST
 * <url>/v1/namespaces/<namespace>/entries} with the payload, partition key, target key and op,
 * content type and user headers, and the idempotency key {@code wal-<entry id>}. A retry after a
 * lost answer is therefore written once at the other end, which is what makes forwarding
 * effectively once. The remote namespace is the entry's {@code target.options.namespace}, else the
 * region's {@code options.namespace}, else this entry's own namespace name.
 *
 * <p>Done when the remote answers {@code durable: TRUE} (201, or 200 for a repeat). Transient: 408,
 * 409 ({@code IDEMPOTENCY_IN_PROGRESS}), 429, 5xx ({@code durable} FALSE or UNKNOWN alike: the
 * repeat is safe), timeouts, connection failures. Permanent: other 4xx (unknown namespace, a payload
 * too large there, not allowed to write). The worker's own bearer token, when it has one, goes
 * along: the remote namespace lists the worker's client among its writers.
 */
final class WalTarget implements Target {
    private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"([A-Z_]+)\"");

    private final URI base;
    private final String defaultNamespace;
    private final Duration timeout;
    private final Supplier<Optional<String>> token;
    private final HttpClient http;

    WalTarget(URI base, String defaultNamespace, Duration timeout, Supplier<Optional<String>> token) {
        this.base = base;
        this.defaultNamespace = defaultNamespace;
        this.timeout = timeout;
        this.token = token;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .build();
    }

    @Override
    public Applied apply(Envelope entry) {
        HttpRequest.Builder request;
        try {
            request = request(entry);
        } catch (IllegalArgumentException e) {
            // A namespace option that makes no URI: this entry can never be forwarded.
            return Applied.permanent("WAL_BAD_REQUEST", String.valueOf(e.getMessage()));
        }
        try {
            // Bounded as a whole, on this thread: the client's timeout covers only the headers.
            HttpResponse<String> response =
                    HttpCalls.send(http, request.build(), HttpResponse.BodyHandlers.ofString(), timeout);
            int status = response.statusCode();
            if ((status == 200 || status == 201) && response.body().contains("\"TRUE\"")) {
                return Applied.done();
            }
            String code = code(response.body()).orElse("HTTP_" + status);
            String message = "the remote Walgate answered " + status + " " + code;
            boolean transientFailure = status == 408 || status == 409 || status == 429 || status >= 500 || status < 300;
            return transientFailure ? Applied.retry("WAL_" + code, message) : Applied.permanent("WAL_" + code, message);
        } catch (HttpTimeoutException e) {
            return Applied.retry("WAL_TIMEOUT", "no whole answer within " + timeout);
        } catch (IOException e) {
            return Applied.retry("WAL_UNREACHABLE", String.valueOf(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Applied.retry("INTERRUPTED", "the worker is stopping");
        }
    }

    private HttpRequest.Builder request(Envelope entry) {
        String namespace = entry.target().options().getOrDefault("namespace", defaultNamespace);
        if (namespace == null) {
            namespace = entry.namespace();
        }
        if (!NamespaceSpec.NAME.matcher(namespace).matches()) {
            // The gateway refuses these; "..", say, would make the request another of the API's paths.
            throw new IllegalArgumentException("'" + namespace + "' is not a namespace name");
        }
        URI uri = URI.create(base.toString().replaceAll("/+$", "") + "/v1/namespaces/"
                + URLEncoder.encode(namespace, StandardCharsets.UTF_8) + "/entries");
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(entry)));
        if (entry.traceparent() != null) {
            request.header("traceparent", entry.traceparent());
        }
        token.get().ifPresent(t -> request.header("Authorization", "Bearer " + t));
        return request;
    }

    /** The REST entry: what the writer wrote, minus the lifecycle (it is due now). */
    static String body(Envelope entry) {
        StringBuilder json = new StringBuilder("{");
        json.append("\"idempotencyKey\":").append(quote("wal-" + entry.id()));
        if (entry.target().op() != TargetOp.DELETE) {
            json.append(",\"payload\":\"")
                    .append(Base64.getEncoder().encodeToString(entry.payload()))
                    .append('"');
        }
        if (entry.partitionKey() != null) {
            json.append(",\"partitionKey\":").append(quote(entry.partitionKey()));
        }
        if (entry.contentType() != null) {
            json.append(",\"contentType\":").append(quote(entry.contentType()));
        }
        json.append(",\"target\":{\"op\":\"").append(entry.target().op()).append('"');
        if (entry.target().key() != null) {
            json.append(",\"key\":").append(quote(entry.target().key()));
        }
        json.append('}');
        if (!entry.headers().isEmpty()) {
            json.append(",\"headers\":{");
            String sep = "";
            for (Map.Entry<String, String> h : entry.headers().entrySet()) {
                json.append(sep).append(quote(h.getKey())).append(':').append(quote(h.getValue()));
                sep = ",";
            }
            json.append('}');
        }
        return json.append('}').toString();
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static Optional<String> code(String body) {
        Matcher m = CODE.matcher(body == null ? "" : body);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    @Override
    public void close() {
        // the JDK's client has nothing to release before Java 21
    }
}
