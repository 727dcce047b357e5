package io.walgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReplayCmdTest {
    @Test
    void theProgressBarShowsDoneOfMatchedTheRateSinceTheWaitBeganAndWhatIsLeft() throws Exception {
        var job = Api.JSON.readTree(
                "{\"state\":\"RUNNING\",\"matched\":400,\"replayed\":118,\"skipped\":2,\"failed\":0}");

        String bar = ReplayCmd.progress(job, Duration.ofSeconds(2), 20);

        assertThat(bar)
                .startsWith("[#########.....................] 120/400")
                .contains("replayed 118")
                .contains("failed 0")
                .contains("50.0/s")
                .contains("ETA 6s")
                .contains("RUNNING");
    }

    @Test
    void beforeAnythingMovedTheEtaIsUnknownNotInfinite() throws Exception {
        var job = Api.JSON.readTree("{\"state\":\"PENDING\",\"matched\":10,\"replayed\":0,\"skipped\":0,\"failed\":0}");

        assertThat(ReplayCmd.progress(job, Duration.ZERO, 0)).contains("ETA ?").contains("0/10");
    }
}
