package io.walgate.controller;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.walgate.devstack.Component;
import io.walgate.devstack.Devstack;
import io.walgate.devstack.WalgateServices;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Real PostgreSQL, Kafka and ElasticMQ for the controller's tests, from the devstack. One devstack
 * serves the whole test JVM (also across Quarkus restarts) and stops when the JVM ends.
 */
public class ControllerDevstack implements QuarkusTestResourceLifecycleManager {
    public static final String DATABASE = "walgate_controller";
    private static Devstack devstack;

    public static synchronized Devstack devstack() {
        if (devstack == null) {
            devstack = Devstack.builder(Path.of("target", dataDirName()))
                    .with(Component.POSTGRES, Component.KAFKA, Component.SQS, Component.KEYCLOAK)
                    .randomPorts()
                    .fresh()
                    .build();
            // Keycloak is slow to start: only ControllerAuthIT starts it, when it runs.
            devstack.start(Component.POSTGRES, Component.KAFKA, Component.SQS);
        }
        return devstack;
    }

    /** Settings that point a controller at the devstack, with a database of its own. */
    public static Map<String, String> settings(String database) {
        return new HashMap<>(WalgateServices.controllerSettings(devstack(), database));
    }

    /**
     * One folder per class loader: Quarkus loads @QuarkusTest classes in a class loader of its own,
     * so plain tests and Quarkus tests each hold their own devstack here; sharing a folder would let
     * the second reap the first one's servers.
     */
    private static String dataDirName() {
        return "devstack-" + Integer.toHexString(System.identityHashCode(ControllerDevstack.class.getClassLoader()));
    }

    @Override
    public Map<String, String> start() {
        return settings(DATABASE);
    }

    @Override
    public void stop() {
        // The devstack outlives one Quarkus app: its shutdown hook stops it with the JVM.
    }
}
