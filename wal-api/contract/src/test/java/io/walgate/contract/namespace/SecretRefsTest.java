package io.walgate.contract.namespace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walgate.contract.ErrorCode;
import io.walgate.contract.Violation;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SecretRefsTest {
    private static NamespaceSpec withUrl(String url) {
        return Specs.minimal("orders", BackendType.KAFKA, TargetType.POSTGRES, url);
    }

    @Test
    void aPasswordInClearIsRefusedWhereverTheUrlHoldsIt() {
        for (String url : new String[] {
            "postgresql://app:hunter2@db:5432/shop",
            "jdbc:postgresql://db:5432/shop?user=app&password=hunter2",
            "postgresql://db:5432/shop?user=app&PASSWORD=hunter2",
            "redis://:hunter2@cache:6379",
            "https://orders.internal/apply?token=abc"
        }) {
            assertThat(NamespaceSpecValidator.validate(withUrl(url)))
                    .as(url)
                    .extracting(Violation::code)
                    .contains(ErrorCode.INVALID_TARGET_URL);
            assertThat(SecretRefs.problem(url)).as(url).get().asString().contains("${secret:");
        }
    }

    @Test
    void aReferenceIsAcceptedInTheUserInfoOrTheQueryAndAUserAloneIsNoSecret() {
        for (String url : new String[] {
            "postgresql://app:${secret:orders-db}@db:5432/shop",
            "jdbc:postgresql://db:5432/shop?user=app&password=${secret:orders-db}",
            "postgresql://db:5432/shop?user=postgres"
        }) {
            assertThat(NamespaceSpecValidator.validate(withUrl(url))).as(url).isEmpty();
        }
        assertThat(SecretRefs.problem("redis://:${secret:cache.pw}@cache:6379/2"))
                .isEmpty();
    }

    @Test
    void aPasswordHiddenByPercentEncodingIsStillAPasswordInClear() {
        assertThat(SecretRefs.problem("redis://default%3Ahunter2@cache:6379")).isPresent();
        assertThat(SecretRefs.problem("https://h/x?pass%77ord=hunter2")).isPresent();
    }

    @Test
    void aReferenceMayStandOnlyForACredentialNeverForAHostAPathOrAnOption() {
        assertThat(SecretRefs.problem("https://${secret:db}.attacker.example/x"))
                .isPresent();
        assertThat(SecretRefs.problem("https://h/${secret:db}")).isPresent();
        assertThat(SecretRefs.problem("https://h/x?q=${secret:db}")).isPresent();
        assertThat(SecretRefs.problem("postgresql://${secret:db}:${secret:db}@h/x"))
                .isPresent();
        NamespaceSpec spec = withUrl("postgresql://db/shop")
                .withTarget(new TargetSpec(
                        TargetType.POSTGRES,
                        Map.of("local", new RegionTarget("postgresql://db/shop", Map.of("table", "${secret:t}")))));
        assertThat(NamespaceSpecValidator.validate(spec))
                .extracting(Violation::code)
                .containsExactly(ErrorCode.INVALID_TARGET_OPTION);
    }

    @Test
    void aResolvedPasswordIsEncodedSoThatItStaysOnePassword() {
        assertThat(SecretRefs.resolveUrl(
                        "postgresql://app:${secret:db}@h/shop?password=${secret:db}",
                        name -> Optional.of("p@ss/w&rd %")))
                .isEqualTo("postgresql://app:p%40ss%2Fw%26rd%20%25@h/shop?password=p%40ss%2Fw%26rd%20%25");
    }

    @Test
    void aMalformedReferenceIsRefusedNotSentAsIs() {
        assertThat(SecretRefs.problem("postgresql://app:${secret:Orders DB}@db/shop"))
                .isPresent();
        assertThat(SecretRefs.problem("postgresql://app:${secret:x@db/shop")).isPresent();
    }

    @Test
    void aWorkerResolvesEachReferenceAndNamesTheOneItLacks() {
        Map<String, String> secrets = Map.of("orders-db", "p@ss$1\\x");
        assertThat(SecretRefs.resolve(
                        "postgresql://app:${secret:orders-db}@db/shop?x=${secret:orders-db}",
                        name -> Optional.ofNullable(secrets.get(name))))
                .isEqualTo("postgresql://app:p@ss$1\\x@db/shop?x=p@ss$1\\x");
        assertThatThrownBy(() -> SecretRefs.resolve("redis://:${secret:cache}@h", name -> Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'cache'");
    }

    @Test
    void aSpecStoredWithAPasswordInClearIsShownMasked() {
        assertThat(SecretRefs.redact("postgresql://app:hunter2@db:5432/shop?user=app"))
                .isEqualTo("postgresql://app:****@db:5432/shop?user=app");
        assertThat(SecretRefs.redact("jdbc:postgresql://db/shop?user=app&password=hunter2&ssl=true"))
                .isEqualTo("jdbc:postgresql://db/shop?user=app&password=****&ssl=true");
        assertThat(SecretRefs.redact("postgresql://app:${secret:db}@db/shop"))
                .isEqualTo("postgresql://app:${secret:db}@db/shop");
        NamespaceSpec spec = withUrl("postgresql://app:hunter2@db/shop");
        assertThat(SecretRefs.redacted(spec).target().regions().get("local").url())
                .isEqualTo("postgresql://app:****@db/shop");
    }
}
