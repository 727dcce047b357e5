package io.walgate.adapter.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Kafka has no per-record delay, so a namespace gets a ladder of delay topics. An entry waits in
 * the largest tier not longer than its remaining delay, for exactly the tier's length; then the
 * consumer applies it when due or moves it on (to the tier its remaining time fits). All entries of
 * a tier wait the same time, so a tier is FIFO in release time and its consumer only pauses until
 * the head is released. Retries use the same ladder.
 */
public final class KafkaDelayTiers {
    /** The rungs, shortest first. */
    public static final List<Duration> TIERS = List.of(
            Duration.ofSeconds(1),
            Duration.ofSeconds(5),
            Duration.ofSeconds(30),
            Duration.ofMinutes(2),
            Duration.ofMinutes(10),
            Duration.ofHours(1),
            Duration.ofHours(6));

    private KafkaDelayTiers() {}

    /**
     * The tier an entry waits in when {@code remaining} is left until it is due: the largest tier
     * not longer than that, or empty when it is due in less than the smallest tier (it then goes
     * straight to the main topic and the worker holds it the last moment).
     */
    public static Optional<Duration> tierFor(Duration remaining) {
        Duration chosen = null;
        for (Duration tier : TIERS) {
            if (tier.compareTo(remaining) <= 0) {
                chosen = tier;
            }
        }
        return Optional.ofNullable(chosen);
    }

    /**
     * Every topic a namespace's entries are delivered from: its log topic {@code logTopic} first,
     * then its delay tiers, shortest first.
     */
    public static List<String> deliveredTopics(String logTopic) {
        List<String> topics = new ArrayList<>();
        topics.add(logTopic);
        TIERS.forEach(tier -> topics.add(topicName(logTopic, tier)));
        return List.copyOf(topics);
    }

    /** {@code wal.orders.delay.30s} for the main topic {@code wal.orders} and a 30 s tier. */
    public static String topicName(String logTopic, Duration tier) {
        return logTopic + ".delay." + label(tier);
    }

    /** A short label: 1s, 30s, 2m, 1h. */
    static String label(Duration tier) {
        long seconds = tier.toSeconds();
        if (seconds % 3600 == 0) {
            return seconds / 3600 + "h";
        }
        if (seconds % 60 == 0) {
            return seconds / 60 + "m";
        }
        return seconds + "s";
    }
}
