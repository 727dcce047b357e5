package io.walgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.hamcrest.Matchers.equalTo;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.restassured.http.ContentType;
import io.walgate.api.v1.Durable;
import io.walgate.api.v1.WriteToLogRequest;
import io.walgate.devstack.KeycloakServer;
import io.walgate.gateway.grpc.GrpcErrors;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The packaged gateway and controller against a real Keycloak: the gateway reads the controller's
 * feed with its own client credentials, and callers need real tokens on REST and gRPC alike.
 */
@ExtendWith(SecuredStack.Extension.class)
class GatewayAuthIT {
    private static SecuredStack stack;

    @BeforeAll
    static void start(SecuredStack secured) {
        stack = secured;
        String spec = "{\"name\":\"orders\",\"owner\":\"t\",\"backend\":{\"type\":\"kafka\",\"partitions\":2},"
                + "\"target\":{\"type\":\"http\",\"regions\":{\"local\":{\"url\":\"http://127.0.0.1:9\"}}},"
                + "\"access\":{\"writers\":[\"svc-orders\"],\"operators\":[\"user:oncall\"]}}";
        stack.createReady("orders", spec, writer());
    }

    private static String writer() {
        return stack.clientToken(KeycloakServer.WRITER_CLIENT, KeycloakServer.WRITER_SECRET);
    }

    private static WriteToLogRequest entry() {
        return WriteToLogRequest.newBuilder()
                .setNamespace("orders")
                .setPayload(ByteString.copyFrom(Base64.getDecoder().decode(SecuredStack.PAYLOAD)))
                .build();
    }

    @Test
    void aWriterWritesOverGrpcWithItsToken() {
        var response = stack.grpc(writer()).writeToLog(entry());
        assertThat(response.getDurable()).isEqualTo(Durable.TRUE);
    }

    @Test
    void withoutAGoodTokenGrpcWritesAreUnauthenticated() {
        for (String bearer : List.of("", "not-a-jwt", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl")) {
            StatusRuntimeException e = catchThrowableOfType(
                    StatusRuntimeException.class,
                    () -> stack.grpc(bearer.isEmpty() ? null : bearer).writeToLog(entry()));
            assertThat(e).as("token '%s'", bearer).isNotNull();
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(e.getTrailers().get(GrpcErrors.CODE)).isEqualTo("UNAUTHENTICATED");
        }
    }

    @Test
    void anOperatorOfTheNamespaceMayNotWriteToIt() {
        String operator = stack.personToken("oncall");
        stack.gateway(operator)
                .contentType(ContentType.JSON)
                .body(Map.of("payload", SecuredStack.PAYLOAD))
                .post("/v1/namespaces/orders/entries")
                .then()
                .statusCode(403)
                .body("code", equalTo("FORBIDDEN"));
        StatusRuntimeException e = catchThrowableOfType(
                StatusRuntimeException.class, () -> stack.grpc(operator).writeToLog(entry()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    @Test
    void aGarbledRestTokenIsUnauthenticatedNotAServerError() {
        stack.gateway("garbled")
                .contentType(ContentType.JSON)
                .body(Map.of("payload", SecuredStack.PAYLOAD))
                .post("/v1/namespaces/orders/entries")
                .then()
                .statusCode(401)
                .body("code", equalTo("UNAUTHENTICATED"))
                .body("durable", equalTo("FALSE"));
    }
}
