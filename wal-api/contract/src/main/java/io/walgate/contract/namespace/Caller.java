package io.walgate.contract.namespace;

import java.util.Set;

/**
 * Who is calling, as its verified access token says; what {@link AccessSpec} matches principals
 * against.
 *
 * @param name how messages and the audit log name the caller, typed as in {@link AccessSpec}:
 *     {@code client:svc-orders}, {@code user:alice}; {@code anonymous} when authentication is off
 * @param client the OAuth client id when the token is a client's own (client credentials); null
 *     for a person's token, whatever client they logged in through
 * @param user the user name when the token is a person's; null for a client's own token
 * @param roles realm roles of the token
 * @param authenticated false only when authentication is switched off
 */
public record Caller(String name, String client, String user, Set<String> roles, boolean authenticated) {
    public Caller {
        roles = roles == null ? Set.of() : Set.copyOf(roles);
    }

    /** Everyone, when authentication is off (announced at start, never silently). */
    public static Caller unauthenticated() {
        return new Caller("anonymous", null, null, Set.of(), false);
    }

    /** A client's own token (client credentials), e.g. a service that writes. */
    public static Caller client(String clientId, Set<String> roles) {
        return new Caller(AccessSpec.CLIENT + clientId, clientId, null, roles, true);
    }

    /** A person's token. */
    public static Caller user(String userName, Set<String> roles) {
        return new Caller(AccessSpec.USER + userName, null, userName, roles, true);
    }

    /** Whether the token carries this realm role; everyone has every role when authentication is off. */
    public boolean hasRole(String role) {
        return !authenticated || roles.contains(role);
    }
}
