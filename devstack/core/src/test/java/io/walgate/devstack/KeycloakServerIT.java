package io.walgate.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The devstack's Keycloak imports the project's realm and issues client-credentials tokens. */
@ExtendWith(DevstackExtension.class)
class KeycloakServerIT {

    @Test
    void aServiceGetsAClientCredentialsTokenCarryingItsRealmRole(KeycloakServer keycloak) throws Exception {
        String response = keycloak.clientCredentialsToken(KeycloakServer.WRITER_CLIENT, KeycloakServer.WRITER_SECRET);

        String claims = claimsOf(accessToken(response));
        assertThat(claims).contains("\"iss\":\"" + keycloak.issuerUrl() + "\"");
        assertThat(claims).contains("\"azp\":\"svc-orders\"");
        assertThat(claims).containsPattern("\"realm_access\":\\{\"roles\":\\[[^]]*\"walgate-writer\"");
        assertThat(claims).doesNotContain("walgate-admin\"");
    }

    @Test
    void aWrongClientSecretGetsNoToken(KeycloakServer keycloak) {
        assertThatThrownBy(() -> keycloak.clientCredentialsToken(KeycloakServer.WRITER_CLIENT, "not-the-secret"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("401");
    }

    private static String accessToken(String tokenResponse) {
        Matcher m = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"").matcher(tokenResponse);
        assertThat(m.find())
                .as("a token response with an access_token: %s", tokenResponse)
                .isTrue();
        return m.group(1);
    }

    private static String claimsOf(String jwt) {
        String[] parts = jwt.split("\\.");
        return new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
    }
}
