package io.walgate.gateway.api;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.WalException;
import io.walgate.gateway.core.Caller;
import io.walgate.support.config.SettingNames;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The caller of the current request, or a refusal with Walgate's codes. */
@ApplicationScoped
public class CallerResolver {
    private final CurrentIdentityAssociation identities;
    private final boolean authEnabled;

    CallerResolver(
            CurrentIdentityAssociation identities,
            @ConfigProperty(name = SettingNames.AUTH_ENABLED) boolean authEnabled) {
        this.identities = identities;
        this.authEnabled = authEnabled;
    }

    void announce(@Observes StartupEvent event) {
        if (!authEnabled) {
            Log.warn("AUTHENTICATION IS OFF (walgate.auth.enabled=false): anyone may write to every namespace."
                    + " Use this only on a developer machine.");
        }
    }

    /** The caller, once its token is verified; never blocks. */
    public CompletionStage<Caller> current() {
        if (!authEnabled) {
            return CompletableFuture.completedFuture(Caller.unauthenticated());
        }
        return identities
                .getDeferredIdentity()
                .onFailure(AuthenticationFailedException.class)
                .transform(e -> new WalException(
                        ErrorCode.UNAUTHENTICATED, "the bearer token was refused: it is invalid or expired"))
                .map(CallerResolver::caller)
                .subscribeAsCompletionStage();
    }

    private static Caller caller(SecurityIdentity id) {
        if (id == null || id.isAnonymous()) {
            throw new WalException(
                    ErrorCode.UNAUTHENTICATED,
                    "no bearer token: send 'Authorization: Bearer <token>' from the walgate realm");
        }
        return new Caller(id.getPrincipal().getName(), id.getRoles(), true);
    }
}
