package io.walgate.controller.security;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.WalException;
import io.walgate.controller.ControllerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Who may do what on the controller: reads need any authenticated caller, changes need the admin
 * role. Every endpoint asks here, so the rules live in one place and answer with Walgate's codes.
 */
@ApplicationScoped
public class AccessPolicy {
    static final String ANONYMOUS = "anonymous";

    private final CurrentIdentityAssociation identities;
    private final AuthConfig auth;
    private final ControllerConfig config;

    AccessPolicy(CurrentIdentityAssociation identities, AuthConfig auth, ControllerConfig config) {
        this.identities = identities;
        this.auth = auth;
        this.config = config;
    }

    void announce(@Observes StartupEvent event) {
        if (!auth.enabled()) {
            Log.warn("AUTHENTICATION IS OFF (walgate.auth.enabled=false): every caller may create, change and"
                    + " delete namespaces. Use this only on a developer machine.");
        }
    }

    /** The caller's name, if any authenticated caller may do this. */
    public Uni<String> caller() {
        return identity().map(AccessPolicy::nameOf);
    }

    /** The caller's name, if the caller holds the admin role. */
    public Uni<String> admin() {
        if (!auth.enabled()) {
            return Uni.createFrom().item(ANONYMOUS);
        }
        return identity().map(id -> {
            if (!id.hasRole(config.adminRole())) {
                throw new WalException(
                        ErrorCode.FORBIDDEN,
                        nameOf(id) + " may not change namespaces: that needs the role " + config.adminRole());
            }
            return nameOf(id);
        });
    }

    private Uni<SecurityIdentity> identity() {
        if (!auth.enabled()) {
            return Uni.createFrom().nullItem();
        }
        return identities
                .getDeferredIdentity()
                .onFailure(AuthenticationFailedException.class)
                .transform(e -> new WalException(
                        ErrorCode.UNAUTHENTICATED, "the bearer token was refused: it is invalid or expired"))
                .map(id -> {
                    if (id == null || id.isAnonymous()) {
                        throw new WalException(
                                ErrorCode.UNAUTHENTICATED,
                                "no bearer token: send 'Authorization: Bearer <token>' from the walgate realm");
                    }
                    return id;
                });
    }

    private static String nameOf(SecurityIdentity id) {
        return id == null ? ANONYMOUS : id.getPrincipal().getName();
    }
}
