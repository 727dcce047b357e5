package io.walgate.contract.namespace;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who may do what with a namespace. Each entry is a typed principal:
 *
 * <ul>
 *   <li>{@code client:svc-orders}, or just {@code svc-orders}: the OAuth client's own token (client
 *       credentials); a person who logged in through that client is not it;
 *   <li>{@code role:team-checkout}: any token with that realm role;
 *   <li>{@code user:alice}: a person's token with that user name.
 * </ul>
 *
 * Each kind is matched against its own part of the token, never one name against all three.
 *
 * @param writers may write entries, and read the namespace's spec
 * @param operators may read the namespace's spec and audit log, pause and resume it, and operate its
 *     dead letters
 */
public record AccessSpec(List<String> writers, List<String> operators) {
    public static final String CLIENT = "client:";
    public static final String ROLE = "role:";
    public static final String USER = "user:";

    /** What looks like a kind in front of a name: letters and a colon. */
    private static final Pattern KIND = Pattern.compile("[A-Za-z]+:");

    public AccessSpec {
        // Null items are kept for the validator to report with their index.
        writers = writers == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(writers));
        operators = operators == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(operators));
    }

    public static AccessSpec none() {
        return new AccessSpec(List.of(), List.of());
    }

    /** Whether {@code caller} may write entries; everyone may when authentication is off. */
    public boolean admitsWriter(Caller caller) {
        return !caller.authenticated() || names(writers, caller);
    }

    /** Whether {@code caller} may operate the namespace; everyone may when authentication is off. */
    public boolean admitsOperator(Caller caller) {
        return !caller.authenticated() || names(operators, caller);
    }

    /** Whether {@code caller} is among the writers or operators: may know the namespace exists. */
    public boolean admitsAnyRole(Caller caller) {
        return admitsWriter(caller) || admitsOperator(caller);
    }

    private static boolean names(List<String> principals, Caller caller) {
        for (String principal : principals) {
            if (principal == null) {
                continue;
            }
            if (principal.startsWith(ROLE)) {
                if (caller.roles().contains(principal.substring(ROLE.length()))) {
                    return true;
                }
            } else if (principal.startsWith(USER)) {
                if (principal.substring(USER.length()).equals(caller.user())) {
                    return true;
                }
            } else if (clientId(principal).equals(caller.client())) {
                return true;
            }
        }
        return false;
    }

    private static String clientId(String principal) {
        String id = principal.startsWith(CLIENT) ? principal.substring(CLIENT.length()) : principal;
        // Specs stored before principals were typed named Keycloak's service-account user; new
        // ones may not (problem), but those keep working.
        return id.startsWith(SERVICE_ACCOUNT) ? id.substring(SERVICE_ACCOUNT.length()) : id;
    }

    private static final String SERVICE_ACCOUNT = "service-account-";

    /** What is wrong with {@code principal} as an entry of a list; empty when it is fine. */
    static Optional<String> problem(String principal, int maxLength) {
        if (principal == null
                || principal.isBlank()
                || principal.length() > maxLength
                || principal.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            return Optional.of("must be client:<id>, role:<name>, user:<name> or a bare client id: 1 to " + maxLength
                    + " characters without spaces");
        }
        for (String prefix : List.of(CLIENT, ROLE, USER)) {
            if (principal.equals(prefix)) {
                return Optional.of("'" + prefix + "' needs a name after it");
            }
        }
        String unprefixed = principal.startsWith(CLIENT) ? principal.substring(CLIENT.length()) : principal;
        if (unprefixed.startsWith("service-account-")) {
            // Keycloak's user name for a client's own token: it is matched as a client id and would
            // never match. The client id itself is what is meant.
            return Optional.of("name the client, not its service account: '"
                    + unprefixed.substring("service-account-".length()) + "'");
        }
        Matcher kind = KIND.matcher(principal);
        if (kind.lookingAt() && !List.of(CLIENT, ROLE, USER).contains(kind.group())) {
            // 'group:x' or 'Role:x' would be read as a client id and never match: say so now.
            return Optional.of("'" + kind.group() + "' is no kind of principal: use client:, role: or user:");
        }
        return Optional.empty();
    }
}
