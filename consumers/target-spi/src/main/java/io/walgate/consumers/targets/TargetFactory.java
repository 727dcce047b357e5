package io.walgate.consumers.targets;

import io.walgate.contract.namespace.RegionTarget;
import io.walgate.contract.namespace.TargetType;

/**
 * Makes the targets of one {@link TargetType}: how a datastore plugs into the engine. Found with
 * {@link java.util.ServiceLoader} (a line in {@code META-INF/services/}), one per type.
 *
 * <ol>
 *   <li>One instance per worker, shared by every namespace of its type: stateless or thread-safe.
 *   <li>{@link TargetRegistry} refuses to start with a type that has no factory, or two.
 *   <li>{@link #create} checks the region's URL and options and opens nothing: connections open on
 *       the first apply, so a datastore down at start is a transient failure, not a failed start.
 *   <li>Clients its targets share (pools, HTTP clients, producers) belong to the factory and close
 *       with it; each target closes what is its own.
 * </ol>
 */
public interface TargetFactory extends AutoCloseable {
    TargetType type();

    /** @throws IllegalArgumentException when the region's URL or an option is not one this target takes */
    Target create(RegionTarget region, TargetContext context);

    @Override
    default void close() {}
}
