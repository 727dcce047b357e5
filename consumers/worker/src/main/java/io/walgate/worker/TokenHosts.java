package io.walgate.worker;

import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.RegionTarget;
import io.walgate.contract.namespace.SecretRefs;
import io.walgate.contract.namespace.TargetType;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Which hosts a {@code wal} target may present the worker's token to ({@code
 * walgate.worker.wal-target-hosts}): {@code host}, {@code host:port}, or {@code *.domain} for any
 * host under it. The token reads every spec on the change feed; a spec must not be able to send it
 * anywhere it likes.
 */
final class TokenHosts {
    private final List<String> allowed;

    TokenHosts(List<String> allowed) {
        this.allowed = allowed.stream()
                .map(s -> s.trim().toLowerCase(Locale.ROOT))
                .filter(s -> !s.isEmpty())
                .toList();
    }

    /** Whether {@code host} (with its {@code port}) is one the token may go to. */
    boolean allows(String host, int port) {
        String h = host.toLowerCase(Locale.ROOT);
        for (String entry : allowed) {
            if (entry.startsWith("*.")
                    ? h.endsWith(entry.substring(1))
                    : entry.equals(h) || entry.equals(h + ":" + port)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The token for {@code spec}'s target in {@code region}: the worker's own for a {@code wal}
     * target on an allowed host, none for other targets (only {@code wal} targets call Walgate APIs).
     *
     * @throws IllegalArgumentException for a {@code wal} target on another host while the worker has
     *     a token: its delivery does not start (and is tried again), so entries wait in the log
     */
    Supplier<Optional<String>> tokenFor(NamespaceSpec spec, String region, Supplier<Optional<String>> token) {
        RegionTarget target = spec.target().regions().get(region);
        if (spec.target().type() != TargetType.WAL || target == null) {
            return Optional::empty;
        }
        URI url;
        try {
            url = URI.create(SecretRefs.parseable(target.url()));
        } catch (IllegalArgumentException e) {
            return Optional::empty; // the target refuses the URL itself, with its own error
        }
        int port = url.getPort() >= 0 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
        if (url.getHost() != null && allows(url.getHost(), port)) {
            return token;
        }
        if (token.get().isPresent()) {
            // Without the token the other side refuses every entry, and each would be dead-lettered:
            // better not to start, so that entries wait in the log until the setting is fixed.
            throw new IllegalArgumentException("namespace " + spec.name() + " forwards to " + url.getHost() + ":"
                    + port + ", which is not in walgate.worker.wal-target-hosts " + allowed
                    + ": this worker's token may not go there");
        }
        return Optional::empty; // authentication is off: there is no token to keep
    }
}
