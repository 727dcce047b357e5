package io.walgate.controller.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Whether callers must present a token. Off only by this explicit setting, announced at start. */
@ConfigMapping(prefix = "walgate.auth")
public interface AuthConfig {
    @WithDefault("true")
    boolean enabled();
}
