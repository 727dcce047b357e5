package io.walgate.contract.namespace;

/**
 * Where a namespace's log lives.
 *
 * @param type Kafka or SQS; required
 * @param topic the Kafka topic or SQS queue; derived from the namespace name when absent
 * @param partitions Kafka partitions; absent for SQS
 */
public record BackendSpec(BackendType type, String topic, Integer partitions) {
    public static final int DEFAULT_PARTITIONS = 12;
    public static final int MAX_PARTITIONS = 1000;

    /** This spec with the defaults filled in for the namespace called {@code namespace}. */
    public BackendSpec withDefaults(String namespace) {
        String resolvedTopic = topic != null ? topic : ResourceNames.defaultLogName(type, namespace);
        Integer resolvedPartitions = partitions;
        if (partitions == null && type == BackendType.KAFKA) {
            resolvedPartitions = DEFAULT_PARTITIONS; // SQS keeps null: a queue has no partitions
        }
        return new BackendSpec(type, resolvedTopic, resolvedPartitions);
    }
}
