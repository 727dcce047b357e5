package io.walgate.support.feed;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.walgate.client.ChangeFeedFollower;
import io.walgate.client.ClientCredentials;
import io.walgate.client.NamespaceCache;
import io.walgate.support.config.ControllerAuthSettings;
import io.walgate.support.config.ControllerFeedSettings;
import io.walgate.support.config.SettingNames;
import java.util.Optional;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * A service's view of the controller's namespaces: the {@link NamespaceCache}, the {@link
 * ChangeFeedFollower} that fills it, and the bearer token both read the controller with.
 *
 * <p>Guarantees:
 *
 * <ol>
 *   <li>Not a bean of this library: every service that depends on the library would get one, and
 *       the controller (which depends on it too) has no feed to follow. A service opts in with a
 *       producer in its wiring ({@code @Produces @Singleton}) that builds it from its settings, and
 *       a disposer ({@code @Disposes}) that {@linkplain #close() closes} it at shutdown.
 *   <li>Follows nothing until {@link #start()}: a service adds its {@linkplain
 *       NamespaceCache#addListener listeners} first, so that they hear every change from version 0.
 *   <li>Settings that cannot work (a client id without any token URL) fail construction, naming the
 *       service's own settings, so that the service does not start.
 *   <li>{@link #close()} stops the follower; lookups keep answering from the cache.
 * </ol>
 */
public final class NamespaceFeed implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(NamespaceFeed.class);

    private final NamespaceCache cache = new NamespaceCache();
    private final Supplier<Optional<String>> token;
    private final ChangeFeedFollower follower;

    /**
     * @param prefix the service's settings prefix ({@link SettingNames#GATEWAY}, {@link
     *     SettingNames#WORKER}), for messages that name what to fix
     * @param issuer {@code quarkus.oidc.auth-server-url}, under which the token URL defaults
     */
    public NamespaceFeed(ControllerFeedSettings settings, String prefix, ObjectMapper json, Optional<String> issuer) {
        ControllerAuthSettings auth = settings.controllerAuth();
        if (auth.clientId().isPresent() && settings.controllerToken().isEmpty()) {
            LOG.infof(
                    "reading the controller's feed as OIDC client '%s'",
                    auth.clientId().get());
        }
        this.token = ClientCredentials.forFeed(
                settings.controllerToken(),
                auth.clientId(),
                auth.clientSecret(),
                auth.tokenUrl(),
                issuer,
                json,
                SettingNames.key(prefix, SettingNames.CONTROLLER_AUTH));
        this.follower = new ChangeFeedFollower(settings.controllerUrl(), cache, json, token);
    }

    /** Starts following the feed, on its own thread. */
    public void start() {
        follower.start();
    }

    /** The namespaces as of the last change applied. */
    public NamespaceCache cache() {
        return cache;
    }

    /** The service's bearer token for the controller, when authentication is on (also for targets). */
    public Supplier<Optional<String>> token() {
        return token;
    }

    @Override
    public void close() {
        follower.close();
    }
}
