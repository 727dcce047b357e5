package io.walgate.support.config;

import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.net.URI;
import java.util.Optional;

/**
 * Where a service that follows the controller's change feed (gateway, worker) finds it, and how it
 * authenticates: {@code <service>.controller-url}, {@code .controller-token} and {@code
 * .controller-auth.*}. The services' config interfaces extend it.
 */
public interface ControllerFeedSettings {
    /** The namespace controller whose change feed fills the namespace cache. */
    @WithName(SettingNames.CONTROLLER_URL)
    @WithDefault("http://127.0.0.1:8081")
    URI controllerUrl();

    /** A fixed bearer token for the controller's feed; {@link #controllerAuth()} is usually better. */
    @WithName(SettingNames.CONTROLLER_TOKEN)
    Optional<String> controllerToken();

    @WithName(SettingNames.CONTROLLER_AUTH)
    ControllerAuthSettings controllerAuth();
}
