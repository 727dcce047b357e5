package io.walgate.support.config;

import io.smallrye.config.WithName;
import java.net.URI;
import java.util.Optional;

/** A service's own OIDC client, whose tokens read the controller's feed when auth is on. */
public interface ControllerAuthSettings {
    /** The client id (Keycloak: a confidential client with a service account). */
    @WithName(SettingNames.CLIENT_ID)
    Optional<String> clientId();

    @WithName(SettingNames.CLIENT_SECRET)
    Optional<String> clientSecret();

    /** Defaults to Keycloak's token endpoint under {@code quarkus.oidc.auth-server-url}. */
    @WithName(SettingNames.TOKEN_URL)
    Optional<URI> tokenUrl();
}
