package io.walgate.devstack;

import java.util.Locale;

/** The servers the devstack can run, with their default ports for {@code ./walgate up}. */
public enum Component {
    KAFKA(9092, 9093),
    SQS(9324),
    POSTGRES(5433),
    REDIS(6380),
    KEYCLOAK(8180, 8181);

    private final int[] defaultPorts;

    Component(int... defaultPorts) {
        this.defaultPorts = defaultPorts;
    }

    int[] defaultPorts() {
        return defaultPorts.clone();
    }

    /** The lower-case name used on the command line and as the data folder. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a command-line name such as "kafka" or "postgres". */
    public static Component parse(String id) {
        for (Component c : values()) {
            if (c.id().equals(id.trim().toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        throw new IllegalArgumentException(
                "unknown component '" + id + "'; known: kafka, sqs, postgres, redis, keycloak");
    }
}
