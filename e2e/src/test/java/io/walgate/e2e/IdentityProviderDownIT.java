package io.walgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A controller whose identity provider does not answer (FullStack's secured controller points at
 * an issuer nobody listens on): a token it cannot check is a 503 the client may retry, not a 500
 * that pages someone for a bug; no token at all is still the caller's 401.
 */
@ExtendWith(FullStackExtension.class)
class IdentityProviderDownIT {
    @Test
    void aTokenThatCannotBeCheckedIsA503WithItsOwnCodeNotAnInternalError(FullStack stack) throws Exception {
        HttpResponse<String> withToken = get(stack.securedControllerUrl() + "/v1/namespaces", "Bearer not-a-token");
        assertThat(withToken.statusCode()).as(withToken.body()).isEqualTo(503);
        assertThat(withToken.body()).contains("\"code\":\"IDENTITY_PROVIDER_UNAVAILABLE\"");

        HttpResponse<String> without = get(stack.securedControllerUrl() + "/v1/namespaces", null);
        assertThat(without.statusCode()).isEqualTo(401);
    }

    private static HttpResponse<String> get(String url, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
