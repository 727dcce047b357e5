package io.walgate.contract.namespace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessSpecTest {
    private static final AccessSpec ACCESS =
            new AccessSpec(List.of("svc-orders", "client:svc-billing", "role:team-checkout"), List.of("user:alice"));

    @Test
    void aBareNameOrClientPrefixIsAClientsOwnTokenNotAPersonOrRoleOfThatName() {
        assertThat(ACCESS.admitsWriter(Caller.client("svc-orders", Set.of()))).isTrue();
        assertThat(ACCESS.admitsWriter(Caller.client("svc-billing", Set.of()))).isTrue();
        assertThat(ACCESS.admitsWriter(Caller.user("svc-orders", Set.of()))).isFalse();
        assertThat(ACCESS.admitsWriter(Caller.client("team-checkout", Set.of())))
                .isFalse();
        assertThat(ACCESS.admitsWriter(Caller.client("client:svc-orders", Set.of())))
                .isFalse();
    }

    @Test
    void aRoleAdmitsAnyTokenWithItAndAUserOnlyThatPerson() {
        assertThat(ACCESS.admitsWriter(Caller.user("bob", Set.of("team-checkout"))))
                .isTrue();
        assertThat(ACCESS.admitsWriter(Caller.user("team-checkout", Set.of()))).isFalse();
        assertThat(ACCESS.admitsOperator(Caller.user("alice", Set.of()))).isTrue();
        assertThat(ACCESS.admitsOperator(Caller.client("alice", Set.of()))).isFalse();
        assertThat(ACCESS.admitsWriter(Caller.user("alice", Set.of()))).isFalse();
    }

    @Test
    void writersAndOperatorsKnowTheNamespaceExistsAndNobodyElseDoes() {
        assertThat(ACCESS.admitsAnyRole(Caller.user("alice", Set.of()))).isTrue();
        assertThat(ACCESS.admitsAnyRole(Caller.client("svc-orders", Set.of()))).isTrue();
        assertThat(ACCESS.admitsAnyRole(Caller.client("svc-payments", Set.of("walgate-writer"))))
                .isFalse();
        assertThat(ACCESS.admitsAnyRole(Caller.unauthenticated())).isTrue();
    }

    @Test
    void aSpecStoredWithAServiceAccountNameStillAdmitsThatClient() {
        AccessSpec legacy = new AccessSpec(List.of("service-account-svc-orders"), List.of());
        assertThat(legacy.admitsWriter(Caller.client("svc-orders", Set.of()))).isTrue();
        assertThat(legacy.admitsWriter(Caller.user("service-account-svc-orders", Set.of())))
                .isFalse();
    }

    @Test
    void aCallerIsNamedByItsKindInMessagesAndTheAuditLog() {
        assertThat(Caller.client("svc-orders", Set.of()).name()).isEqualTo("client:svc-orders");
        assertThat(Caller.user("alice", Set.of()).name()).isEqualTo("user:alice");
        assertThat(Caller.unauthenticated().name()).isEqualTo("anonymous");
    }

    @Test
    void aPrincipalNeedsANameAndAServiceAccountIsNamedByItsClient() {
        assertThat(AccessSpec.problem("role:", 256)).isPresent();
        assertThat(AccessSpec.problem("user:alice", 256)).isEmpty();
        assertThat(AccessSpec.problem("service-account-svc-orders", 256))
                .get()
                .asString()
                .contains("'svc-orders'");
        assertThat(AccessSpec.problem("client:service-account-svc-orders", 256)).isPresent();
        assertThat(AccessSpec.problem("group:team-x", 256)).get().asString().contains("client:, role: or user:");
        assertThat(AccessSpec.problem("Role:team-x", 256)).isPresent();
        assertThat(AccessSpec.problem("a b", 256)).isPresent();
        assertThat(AccessSpec.problem(null, 256)).isPresent();
    }
}
