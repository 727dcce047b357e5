package io.walgate.controller.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.walgate.adapter.kafka.KafkaLogHistory;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.controller.provision.Provisioners;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a log replay starts and ends on a namespace's Kafka log, and how its position is stored:
 * JSON of each partition's next offset and end ({@code {"next":{"0":12},"end":{"0":40}}}).
 */
@ApplicationScoped
public class LogPositions {
    private final Provisioners backends;
    private final ObjectMapper json;

    LogPositions(Provisioners backends, ObjectMapper json) {
        this.backends = backends;
        this.json = json;
    }

    /**
     * What a log replay from {@code from} to {@code to} covers.
     *
     * @param entries records in the range (entries, and their retries and delayed copies)
     * @param missing what retention deleted from the range, in words; null when nothing
     */
    public record Found(long entries, String position, String missing) {}

    /** Blocks: call it on a worker thread. */
    public Found find(NamespaceSpec spec, Instant from, Instant to) {
        try (KafkaLogHistory history = backends.logHistory()) {
            KafkaLogHistory.Range range =
                    history.range(spec.withDefaults().backend().topic(), from, to);
            String missing = range.goneBefore().isEmpty()
                    ? null
                    : "the log no longer holds entries logged before "
                            + range.goneBefore().values().stream()
                                    .max(Instant::compareTo)
                                    .orElseThrow()
                            + " (retention deleted them, partitions "
                            + range.goneBefore().keySet()
                            + "): they are missing from this replay";
            return new Found(range.records(), write(new Position(range.first(), range.end())), missing);
        }
    }

    /** Each partition's next offset, and its end. */
    record Position(Map<Integer, Long> next, Map<Integer, Long> end) {
        Position {
            next = new TreeMap<>(next);
            end = new TreeMap<>(end);
        }
    }

    Position read(String position) {
        try {
            return json.readValue(position, new TypeReference<Position>() {});
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a log replay's position does not read: " + position, e);
        }
    }

    String write(Position position) {
        try {
            return json.writeValueAsString(position);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
