package io.walgate.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With the broker killed, no write is ever acknowledged; once it is back, writes succeed again. */
@QuarkusTest
@QuarkusTestResource(GatewayDevstack.class)
@TestSecurity(user = "svc-orders")
class BrokerDownIT {

    private static Response write(String payload) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("payload", payload, "partitionKey", "k"))
                .post("/v1/namespaces/orders/entries");
    }

    @Test
    void whileTheBrokerIsDeadWritesAnswerFalseOrUnknownNeverTrue() {
        write("YmVmb3Jl").then().statusCode(201);
        GatewayDevstack.devstack().kafka().kill();
        try {
            for (int i = 0; i < 3; i++) {
                Response r = write("ZHVyaW5n");
                assertThat(r.statusCode()).as(r.body().asString()).isIn(503, 504);
                assertThat(r.jsonPath().getString("durable")).isIn("FALSE", "UNKNOWN");
                assertThat(r.jsonPath().getString("code")).isIn("BACKEND_UNAVAILABLE", "BACKEND_TIMEOUT");
                if (r.jsonPath().getString("durable").equals("UNKNOWN")) {
                    assertThat(r.jsonPath().getString("entryId"))
                            .as("an UNKNOWN answer names its entry")
                            .isNotBlank();
                }
            }
        } finally {
            GatewayDevstack.devstack().kafka().start();
        }
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> write("YWZ0ZXI=").then().statusCode(201));
    }
}
