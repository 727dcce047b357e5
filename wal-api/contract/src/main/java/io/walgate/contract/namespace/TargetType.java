package io.walgate.contract.namespace;

import java.util.List;
import java.util.Set;

/** The kind of datastore a namespace's entries are applied to. */
public enum TargetType {
    /** Upserts or deletes a row by key. */
    POSTGRES(List.of("postgresql", "postgres"), Set.of("table"), Set.of("table")),
    /** {@code SET key payload} / {@code DEL key}. */
    REDIS(List.of("redis", "rediss"), Set.of("ttl"), Set.of()),
    /** Sends PUT or DELETE to an upstream service. */
    HTTP(List.of("http", "https"), Set.of("path"), Set.of("path")),
    /** Produces to a topic, possibly on another cluster. */
    KAFKA(List.of("kafka"), Set.of("topic"), Set.of("topic")),
    /** Forwards to another Walgate, e.g. in another region. */
    WAL(List.of("http", "https"), Set.of("namespace"), Set.of("namespace"));

    private final List<String> urlSchemes;
    private final Set<String> entryOptions;
    private final Set<String> confinedOptions;

    TargetType(List<String> urlSchemes, Set<String> entryOptions, Set<String> confinedOptions) {
        this.urlSchemes = urlSchemes;
        this.entryOptions = entryOptions;
        this.confinedOptions = confinedOptions;
    }

    /**
     * The URL schemes a region's endpoint may use for this kind of target ({@code jdbc:} in front of
     * a PostgreSQL URL is allowed too).
     */
    public List<String> urlSchemes() {
        return urlSchemes;
    }

    /** The options a single entry may set in its target override; the namespace supplies the rest. */
    public Set<String> entryOptions() {
        return entryOptions;
    }

    /**
     * The entry options that choose <em>where</em> an entry goes (a table, a topic, a remote
     * namespace, a path): an entry may give only a value its namespace's {@code target.allow} grants
     * ({@link TargetConfinement}).
     */
    public Set<String> confinedOptions() {
        return confinedOptions;
    }

    /** Whether entries of this target type must name a key (a row, a cache key). */
    public boolean requiresKey() {
        return this == POSTGRES || this == REDIS;
    }
}
