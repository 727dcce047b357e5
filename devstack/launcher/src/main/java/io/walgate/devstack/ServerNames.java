package io.walgate.devstack;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The names by which the launcher speaks of what it runs: the servers ({@link Component}) and
 * Walgate's services ({@link ServiceJars}), the same names as their data folders.
 */
final class ServerNames {
    private ServerNames() {}

    /** Every name: kafka, sqs, postgres, redis, keycloak, controller, gateway, worker. */
    static List<String> all() {
        List<String> names = new ArrayList<>();
        for (Component c : Component.values()) {
            names.add(c.id());
        }
        for (ServiceJars s : ServiceJars.values()) {
            names.add(name(s));
        }
        return names;
    }

    static String name(ServiceJars service) {
        return service.name().toLowerCase(Locale.ROOT);
    }

    /** A known name, lower-cased. */
    static String parse(String name) {
        String id = name.trim().toLowerCase(Locale.ROOT);
        if (!all().contains(id)) {
            throw new IllegalArgumentException("unknown server '" + name + "'; known: " + String.join(", ", all()));
        }
        return id;
    }
}
