package io.walgate.support.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.WalException;
import io.walgate.contract.namespace.Caller;
import io.walgate.support.config.SettingNames;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.security.Principal;
import java.util.Locale;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The caller of the current request, from its verified access token, or a refusal with Walgate's
 * codes: one reading of a token for the gateway (REST and gRPC) and the controller.
 *
 * <p>A token is a client's own (client credentials) when its user name is Keycloak's {@code
 * service-account-<azp>}, {@code azp} being the client it was issued to.
 * Any other token is a person's, named by {@code preferred_username} (else {@code sub}), whatever
 * client they logged in through: {@code client_id} and {@code azp} are not read for them, since
 * some providers put the login client there. Whether the token is an access token for Walgate at
 * all (issuer, signature, expiry, audience, {@code typ}) is checked before this, by the OIDC
 * settings.
 */
@ApplicationScoped
public class Callers {
    static final String SERVICE_ACCOUNT = "service-account-";

    // An Instance: the worker has this library but serves no API, and no identity association.
    private final Instance<CurrentIdentityAssociation> identities;
    private final boolean authEnabled;

    Callers(
            Instance<CurrentIdentityAssociation> identities,
            @ConfigProperty(name = SettingNames.AUTH_ENABLED, defaultValue = "true") boolean authEnabled) {
        this.identities = identities;
        this.authEnabled = authEnabled;
    }

    /** Whether callers must present a token. */
    public boolean authEnabled() {
        return authEnabled;
    }

    /** The caller, once its token is verified; never blocks. */
    public Uni<Caller> current() {
        if (!authEnabled) {
            return Uni.createFrom().item(Caller.unauthenticated());
        }
        return identities
                .get()
                .getDeferredIdentity()
                .onFailure(AuthenticationFailedException.class)
                .transform(e -> new WalException(
                        ErrorCode.UNAUTHENTICATED,
                        "the bearer token was refused: it is invalid, expired, not an access token, or not"
                                + " issued for Walgate"))
                .map(Callers::caller);
    }

    static Caller caller(SecurityIdentity id) {
        if (id == null || id.isAnonymous()) {
            throw new WalException(
                    ErrorCode.UNAUTHENTICATED,
                    "no bearer token: send 'Authorization: Bearer <token>' from the walgate realm");
        }
        return of(id.getPrincipal(), id.getRoles());
    }

    /** The caller a principal with these realm roles is. */
    static Caller of(Principal principal, Set<String> roles) {
        if (!(principal instanceof JsonWebToken token)) {
            // No token claims to read: only a test identity (@TestSecurity), since the services take
            // JWTs alone (opaque tokens are not introspected). Its name is taken as a client id.
            return Caller.client(principal.getName(), roles);
        }
        String userName = text(token, "preferred_username");
        String client = text(token, "azp");
        // Keycloak names a client's service account after it (in lower case): a person whose user
        // name merely starts the same way, logged in through some client, is not that client.
        if (client != null && userName != null && userName.equals(SERVICE_ACCOUNT + client.toLowerCase(Locale.ROOT))) {
            return Caller.client(client, roles);
        }
        return Caller.user(userName != null ? userName : token.getSubject(), roles);
    }

    private static String text(JsonWebToken token, String claim) {
        Object value = token.getClaim(claim);
        if (value == null) {
            return null;
        }
        String s = value.toString();
        // A JSON string claim may come as a JsonString, whose toString keeps the quotes.
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
            s = s.substring(1, s.length() - 1);
        }
        return s.isEmpty() ? null : s;
    }
}
