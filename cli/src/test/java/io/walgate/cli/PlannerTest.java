package io.walgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlannerTest {
    private static JsonNode json(String text) throws Exception {
        return Api.JSON.readTree(text);
    }

    @Test
    void changedNestedFieldsAreNamedByTheirPath() throws Exception {
        List<Planner.Change> changes = new ArrayList<>();
        Planner.diff(
                "",
                json("{\"limits\":{\"writesPerSecond\":5000,\"maxPayloadBytes\":1024},\"owner\":\"a\"}"),
                json("{\"limits\":{\"writesPerSecond\":6000,\"maxPayloadBytes\":1024},\"owner\":\"a\"}"),
                changes);

        assertThat(changes)
                .extracting(Planner.Change::toString)
                .containsExactly("limits.writesPerSecond: 5000 -> 6000");
    }

    @Test
    void addedAndRemovedFieldsAndListsAreChanges() throws Exception {
        List<Planner.Change> changes = new ArrayList<>();
        Planner.diff(
                "",
                json("{\"access\":{\"writers\":[\"a\"]},\"gone\":1}"),
                json("{\"access\":{\"writers\":[\"a\",\"b\"]},\"new\":true}"),
                changes);

        assertThat(changes)
                .extracting(Planner.Change::toString)
                .containsExactlyInAnyOrder(
                        "access.writers: [\"a\"] -> [\"a\",\"b\"]", "gone: 1 -> (unset)", "new: (unset) -> true");
    }

    @Test
    void identicalSpecsHaveNoChanges() throws Exception {
        List<Planner.Change> changes = new ArrayList<>();
        JsonNode spec = json("{\"name\":\"x\",\"limits\":{\"a\":1},\"list\":[1,2]}");
        Planner.diff("", spec, spec.deepCopy(), changes);
        assertThat(changes).isEmpty();
    }
}
