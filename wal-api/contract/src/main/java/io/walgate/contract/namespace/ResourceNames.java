package io.walgate.contract.namespace;

import java.util.regex.Pattern;

/**
 * The names of the backend resources a namespace owns, derived in one place so that the
 * controller that provisions them and the services that use them always agree.
 */
public final class ResourceNames {
    /** Kafka's legal topic characters; the limit is 249, less room for our suffixes. */
    static final Pattern KAFKA_TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,200}");
    /** SQS queue names are at most 80 characters; we keep room for "-dlq". */
    static final Pattern SQS_QUEUE = Pattern.compile("[a-zA-Z0-9_-]{1,76}");

    private ResourceNames() {}

    /** The main topic or queue of a namespace that does not name its own. */
    public static String defaultLogName(BackendType type, String namespace) {
        if (type == null || namespace == null) {
            return null;
        }
        return type == BackendType.KAFKA ? "wal." + namespace : "wal-" + namespace;
    }

    /** The dead-letter topic or queue that belongs to a main topic or queue. */
    public static String deadLetterName(BackendType type, String logName) {
        return type == BackendType.KAFKA ? logName + ".dlq" : logName + "-dlq";
    }

    /**
     * Whether {@code topic} is one of the Kafka topics of a namespace whose backend is {@code
     * backend} (defaults filled in): its log, dead-letter topic or a delay tier.
     */
    public static boolean isKafkaResourceOf(BackendSpec backend, String topic) {
        if (backend == null || backend.type() != BackendType.KAFKA || backend.topic() == null) {
            return false;
        }
        String log = backend.topic();
        return topic.equals(log)
                || topic.equals(deadLetterName(BackendType.KAFKA, log))
                || topic.startsWith(log + ".delay.");
    }

    /**
     * The name as the backend compares names: two resources whose keys are equal cannot both exist.
     * Kafka treats '.' and '_' as the same in topic names (both map to '_' in metric names); SQS
     * compares queue names exactly.
     */
    public static String collisionKey(BackendType type, String name) {
        return type == BackendType.KAFKA ? name.replace('.', '_') : name;
    }

    static boolean isValidLogName(BackendType type, String name) {
        return (type == BackendType.KAFKA ? KAFKA_TOPIC : SQS_QUEUE)
                        .matcher(name)
                        .matches()
                && !name.equals(".")
                && !name.equals("..");
    }
}
