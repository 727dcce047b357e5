package io.walgate.client;

import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.NamespaceState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The namespaces a service (gateway, worker) knows, as of the last change-feed version it applied.
 * Applying is done by one follower thread; lookups come from any thread; listeners are called on
 * the follower's thread after each change.
 */
public final class NamespaceCache implements NamespaceDirectory {
    private final Map<String, NamespaceSpec> namespaces = new ConcurrentHashMap<>();
    private final List<Consumer<NamespaceSpec>> listeners = new CopyOnWriteArrayList<>();
    private volatile long version;
    private volatile boolean caughtUp;

    @Override
    public Optional<NamespaceSpec> find(String name) {
        return Optional.ofNullable(namespaces.get(name));
    }

    /** Applies one change of the feed; changes must come in version order. */
    public void apply(long changeVersion, NamespaceSpec spec) {
        if (changeVersion <= version) {
            return; // seen already (a reconnect may repeat the last page)
        }
        if (spec.state() == NamespaceState.DELETED) {
            namespaces.remove(spec.name());
        } else {
            namespaces.put(spec.name(), spec.withDefaults());
        }
        version = changeVersion;
        for (Consumer<NamespaceSpec> listener : listeners) {
            listener.accept(spec.withDefaults());
        }
    }

    /** Calls {@code listener} with each namespace as it changes (a DELETED one when it goes). */
    public void addListener(Consumer<NamespaceSpec> listener) {
        listeners.add(listener);
    }

    /** Every namespace known now. */
    public List<NamespaceSpec> all() {
        return List.copyOf(namespaces.values());
    }

    /** The version of the last change applied; the follower asks for changes after it. */
    public long version() {
        return version;
    }

    /** Set once the cache has read the whole feed at least once. */
    public void markCaughtUp() {
        caughtUp = true;
    }

    public boolean caughtUp() {
        return caughtUp;
    }

    public int size() {
        return namespaces.size();
    }
}
