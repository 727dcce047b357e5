package io.walgate.gateway.core;

import io.walgate.contract.namespace.NamespaceSpec;
import java.util.Set;

/**
 * Who is writing: the token's client id (or user) and its roles.
 *
 * @param name the principal name; {@code anonymous} when authentication is off
 * @param roles realm roles of the token
 * @param authenticated false only when authentication is switched off
 */
public record Caller(String name, Set<String> roles, boolean authenticated) {
    public Caller {
        roles = roles == null ? Set.of() : Set.copyOf(roles);
    }

    public static Caller unauthenticated() {
        return new Caller("anonymous", Set.of(), false);
    }

    /** Whether the namespace's {@code access.writers} names this caller or one of its roles. */
    public boolean mayWrite(NamespaceSpec namespace) {
        if (!authenticated) {
            return true; // authentication is off: announced at start, never silently
        }
        for (String writer : namespace.access().writers()) {
            if (writer.equals(name) || roles.contains(writer)) {
                return true;
            }
        }
        return false;
    }
}
