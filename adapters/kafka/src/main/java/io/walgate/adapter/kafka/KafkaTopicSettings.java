package io.walgate.adapter.kafka;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The durability settings every topic of a namespace is created with, so that none is left to the
 * broker's defaults (a stock broker replicates once and keeps a week).
 *
 * @param replicationFactor copies of each partition; empty: {@code min(3, brokers in the cluster)}
 * @param minInsyncReplicas copies that must have an entry before {@code acks=all} confirms it;
 *     empty: {@code min(2, replication factor)}
 * @param retention how long the log and its delay tiers keep an entry; empty: forever
 * @param deadLetterRetention how long the dead-letter topic keeps an entry; empty: forever
 */
public record KafkaTopicSettings(
        OptionalInt replicationFactor,
        OptionalInt minInsyncReplicas,
        Optional<Duration> retention,
        Optional<Duration> deadLetterRetention) {

    public KafkaTopicSettings {
        Objects.requireNonNull(replicationFactor, "replicationFactor");
        Objects.requireNonNull(minInsyncReplicas, "minInsyncReplicas");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(deadLetterRetention, "deadLetterRetention");
        if (replicationFactor.isPresent() && replicationFactor.getAsInt() < 1) {
            throw new IllegalArgumentException("replication factor must be at least 1");
        }
        if (minInsyncReplicas.isPresent()
                && (minInsyncReplicas.getAsInt() < 1
                        || (replicationFactor.isPresent()
                                && minInsyncReplicas.getAsInt() > replicationFactor.getAsInt()))) {
            throw new IllegalArgumentException(
                    "min.insync.replicas must be between 1 and the replication factor, or every write fails");
        }
        retention.ifPresent(KafkaTopicSettings::requirePositive);
        deadLetterRetention.ifPresent(KafkaTopicSettings::requirePositive);
    }

    /** Right for one broker and for a cluster: rf and min.insync from the cluster, 7 and 30 days. */
    public static KafkaTopicSettings defaults() {
        return new KafkaTopicSettings(
                OptionalInt.empty(),
                OptionalInt.empty(),
                Optional.of(Duration.ofDays(7)),
                Optional.of(Duration.ofDays(30)));
    }

    private static void requirePositive(Duration d) {
        if (d.isNegative() || d.isZero() || d.toMillis() == 0) {
            throw new IllegalArgumentException("a retention must be positive (or absent for forever): " + d);
        }
    }
}
