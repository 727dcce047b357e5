package io.walgate.support.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.walgate.contract.namespace.Caller;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

class CallersTest {
    /** A verified token's claims, as the OIDC extension hands them over. */
    private static JsonWebToken token(Map<String, Object> claims) {
        return new JsonWebToken() {
            @Override
            public String getName() {
                return (String) claims.getOrDefault("preferred_username", claims.get("sub"));
            }

            @Override
            public Set<String> getClaimNames() {
                return claims.keySet();
            }

            @Override
            @SuppressWarnings("unchecked")
            public <T> T getClaim(String name) {
                return (T) claims.get(name);
            }
        };
    }

    @Test
    void aServiceAccountTokenIsItsClientsOwn() {
        Caller caller = Callers.of(
                token(Map.of("sub", "6fb8", "azp", "svc-orders", "preferred_username", "service-account-svc-orders")),
                Set.of("team-checkout"));

        assertThat(caller).isEqualTo(Caller.client("svc-orders", Set.of("team-checkout")));
    }

    @Test
    void aPersonIsNeverTheClientTheyLoggedInThrough() {
        Caller caller = Callers.of(
                token(Map.of(
                        "sub", "a1", "azp", "svc-orders", "client_id", "svc-orders", "preferred_username", "alice")),
                Set.of());

        assertThat(caller).isEqualTo(Caller.user("alice", Set.of()));
        assertThat(caller.client()).isNull();
    }

    @Test
    void aPersonWhoseNameMerelyLooksLikeAServiceAccountIsStillAPerson() {
        Caller caller = Callers.of(
                token(Map.of("sub", "a2", "azp", "svc-orders", "preferred_username", "service-account-svc-ordersx")),
                Set.of());
        Caller viaAnotherClient = Callers.of(
                token(Map.of("sub", "a3", "azp", "walctl", "preferred_username", "service-account-svc-orders")),
                Set.of());

        assertThat(caller.client()).isNull();
        assertThat(viaAnotherClient.client()).isNull();
        assertThat(viaAnotherClient.name()).isEqualTo("user:service-account-svc-orders");
    }

    @Test
    void aClientIdWithCapitalsMatchesItsLowerCaseServiceAccount() {
        assertThat(Callers.of(
                                token(Map.of("azp", "Svc-Orders", "preferred_username", "service-account-svc-orders")),
                                Set.of())
                        .client())
                .isEqualTo("Svc-Orders");
    }

    @Test
    void aTokenWithoutAUserNameIsNamedByItsSubject() {
        assertThat(Callers.of(token(Map.of("sub", "a1", "azp", "x")), Set.of()).name())
                .isEqualTo("user:a1");
    }

    @Test
    void aQuotedJsonStringClaimIsReadWithoutItsQuotes() {
        Caller caller = Callers.of(
                token(Map.of("azp", "\"svc-orders\"", "preferred_username", "\"service-account-svc-orders\"")),
                Set.of());

        assertThat(caller.client()).isEqualTo("svc-orders");
    }
}
