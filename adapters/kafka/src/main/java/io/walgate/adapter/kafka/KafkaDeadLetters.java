package io.walgate.adapter.kafka;

import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.ResourceNames;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * How many dead letters each namespace's DLQ topic holds, asked through one {@link Admin} shared
 * by every delivery of a worker.
 *
 * <ol>
 *   <li>Never blocks: {@link #depth} returns at once; the answer completes on the Admin client's
 *       own thread. A delivery thread that asks is never held up by a slow or absent broker (it
 *       once was, for up to 15 s, and its consumer logged a WARN for every DLQ partition it did not
 *       own).
 *   <li>The depth is the sum over the DLQ's partitions of end offset less beginning offset: the
 *       dead letters retention has kept. A request fails (the stage completes exceptionally) when
 *       the topic does not exist or the broker does not answer within {@code timeout}.
 *   <li>{@link #close()} closes the Admin client; stages still open then fail.
 * </ol>
 */
public final class KafkaDeadLetters implements AutoCloseable {
    private final Admin admin;
    private final int timeoutMs;

    KafkaDeadLetters(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeoutMs = (int) timeout.toMillis();
    }

    /** One Admin client on the cluster {@code clientConfig} describes (at least {@code bootstrap.servers}). */
    public static KafkaDeadLetters of(Map<String, Object> clientConfig) {
        return new KafkaDeadLetters(
                Admin.create(KafkaClientConfigs.admin(clientConfig, "walgate-dead-letters")), Duration.ofSeconds(5));
    }

    /** The depth of the DLQ of the namespace whose log is {@code topic}. */
    public CompletionStage<Long> depth(String topic) {
        String dlq = ResourceNames.deadLetterName(BackendType.KAFKA, topic);
        return admin.describeTopics(List.of(dlq), new DescribeTopicsOptions().timeoutMs(timeoutMs))
                .topicNameValues()
                .get(dlq)
                .toCompletionStage()
                .thenCompose(this::offsets);
    }

    private CompletionStage<Long> offsets(TopicDescription description) {
        Map<TopicPartition, OffsetSpec> earliest = new LinkedHashMap<>();
        Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
        description.partitions().forEach(p -> {
            TopicPartition partition = new TopicPartition(description.name(), p.partition());
            earliest.put(partition, OffsetSpec.earliest());
            latest.put(partition, OffsetSpec.latest());
        });
        ListOffsetsOptions options = new ListOffsetsOptions().timeoutMs(timeoutMs);
        CompletionStage<Map<TopicPartition, ListOffsetsResultInfo>> first =
                admin.listOffsets(earliest, options).all().toCompletionStage();
        CompletionStage<Map<TopicPartition, ListOffsetsResultInfo>> end =
                admin.listOffsets(latest, options).all().toCompletionStage();
        return first.thenCombine(
                end,
                (from, to) -> to.entrySet().stream()
                        .mapToLong(e ->
                                e.getValue().offset() - from.get(e.getKey()).offset())
                        .sum());
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
