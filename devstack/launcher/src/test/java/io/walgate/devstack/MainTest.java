package io.walgate.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

    @Test
    void upStartsTheFourCoreServersByDefaultAndKeycloakOnlyWhenAsked() {
        assertThat(Main.Options.parse(new String[0]).components)
                .containsExactly(Component.KAFKA, Component.SQS, Component.POSTGRES, Component.REDIS);
        assertThat(Main.Options.parse(new String[] {"--with-keycloak"}).components)
                .contains(Component.KEYCLOAK);
    }

    @Test
    void onlyChoosesExactlyTheNamedServers() {
        assertThat(Main.Options.parse(new String[] {"--only", "redis,postgres"}).components)
                .containsExactly(Component.POSTGRES, Component.REDIS);
    }

    @Test
    void anUnknownOptionOrServerIsRefusedWithItsName() {
        assertThatThrownBy(() -> Main.Options.parse(new String[] {"--fast"})).hasMessageContaining("--fast");
        assertThatThrownBy(() -> Main.Options.parse(new String[] {"--only", "mysql"}))
                .hasMessageContaining("mysql")
                .hasMessageContaining("kafka, sqs, postgres, redis, keycloak");
        assertThatThrownBy(() -> Main.Options.parse(new String[] {"--data-dir"}))
                .hasMessageContaining("needs a value");
    }

    @Test
    void statusFindsThePortOfEveryKindOfEndpoint() {
        assertThat(Main.portOf("127.0.0.1:9092")).contains(9092);
        assertThat(Main.portOf("http://127.0.0.1:9324")).contains(9324);
        assertThat(Main.portOf("jdbc:postgresql://127.0.0.1:5433/postgres")).contains(5433);
        assertThat(Main.portOf("redis://127.0.0.1:6380")).contains(6380);
        assertThat(Main.portOf("elasticmq")).isEqualTo(Optional.empty());
    }

    @Test
    void theStateFileReadsBackAsTheEndpointsItHolds(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("devstack.env");
        Files.writeString(file, "# comment\nWALGATE_KAFKA_BOOTSTRAP=127.0.0.1:9092\nWALGATE_DEVSTACK_PID=12\n");
        assertThat(Main.readEnv(file))
                .containsExactly(java.util.Map.entry("WALGATE_KAFKA_BOOTSTRAP", "127.0.0.1:9092"));
        assertThat(Main.readEnv(dir.resolve("missing.env"))).isEmpty();
    }
}
