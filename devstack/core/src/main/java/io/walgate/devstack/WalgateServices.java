package io.walgate.devstack;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How Walgate's own services are pointed at a devstack: the one place the launcher, the services'
 * integration tests and the benchmarks take their settings from. Authentication is left to the
 * caller ({@code walgate.auth.enabled}, {@code quarkus.oidc.auth-server-url}).
 */
public final class WalgateServices {
    public static final String CONTROLLER_DATABASE = "walgate_controller";
    public static final String GATEWAY_DATABASE = "walgate_gateway";

    private WalgateServices() {}

    /** The controller's settings for this devstack, with {@code database} created if missing. */
    public static Map<String, String> controllerSettings(Devstack devstack, String database) {
        Map<String, String> s = new LinkedHashMap<>(datasource(devstack, database));
        s.put("walgate.controller.kafka.bootstrap-servers", devstack.kafka().bootstrapServers());
        s.putAll(sqs(devstack, "walgate.controller.sqs."));
        return s;
    }

    /**
     * The gateway's settings for this devstack and the controller at {@code controllerUrl}, with its
     * database (idempotency keys, large payloads) created if missing.
     */
    public static Map<String, String> gatewaySettings(Devstack devstack, String controllerUrl) {
        Map<String, String> s = new LinkedHashMap<>(datasource(devstack, GATEWAY_DATABASE));
        s.put("walgate.gateway.controller-url", controllerUrl);
        s.put("walgate.gateway.kafka.bootstrap-servers", devstack.kafka().bootstrapServers());
        s.putAll(sqs(devstack, "walgate.gateway.sqs."));
        return s;
    }

    /**
     * Authentication on, against the devstack's Keycloak: the service checks tokens of the walgate
     * realm, and the gateway reads the controller's feed as client {@value KeycloakServer#SERVICES_CLIENT}.
     */
    public static Map<String, String> authSettings(Devstack devstack) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("walgate.auth.enabled", "true");
        s.put("quarkus.oidc.auth-server-url", devstack.keycloak().issuerUrl());
        s.put("walgate.gateway.controller-auth.client-id", KeycloakServer.SERVICES_CLIENT);
        s.put("walgate.gateway.controller-auth.client-secret", KeycloakServer.SERVICES_SECRET);
        s.put("walgate.worker.controller-auth.client-id", KeycloakServer.SERVICES_CLIENT);
        s.put("walgate.worker.controller-auth.client-secret", KeycloakServer.SERVICES_SECRET);
        return s;
    }

    /**
     * The delivery worker's settings for this devstack and the controller at {@code controllerUrl}:
     * region {@code local}, claim checks redeemed from the gateway's database.
     */
    public static Map<String, String> workerSettings(Devstack devstack, String controllerUrl) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("walgate.worker.controller-url", controllerUrl);
        s.put("walgate.worker.kafka.bootstrap-servers", devstack.kafka().bootstrapServers());
        s.putAll(sqs(devstack, "walgate.worker.sqs."));
        devstack.postgres().createDatabase(GATEWAY_DATABASE);
        s.put(
                "walgate.worker.payload-store-jdbc-url",
                devstack.postgres().jdbcUrl(GATEWAY_DATABASE) + "?user=" + PostgresServer.USER);
        return s;
    }

    /** A started delivery worker on the devstack, stopped with it. */
    public static JavaService startWorker(Devstack devstack, Path jar, int port, Map<String, String> settings) {
        return startWorker(devstack, "worker", jar, port, settings);
    }

    /** A started delivery worker called {@code name} (its folder and log), for several on one devstack. */
    public static JavaService startWorker(
            Devstack devstack, String name, Path jar, int port, Map<String, String> settings) {
        JavaService worker = new JavaService(name, devstack.dataRoot(), jar, port, settings);
        devstack.startService(worker);
        return worker;
    }

    /** A started controller service on the devstack, stopped with it. */
    public static JavaService startController(Devstack devstack, Path jar, int port, Map<String, String> settings) {
        JavaService controller = new JavaService("controller", devstack.dataRoot(), jar, port, settings);
        devstack.startService(controller);
        return controller;
    }

    /** A started gateway service on the devstack, stopped with it. */
    public static JavaService startGateway(Devstack devstack, Path jar, int port, Map<String, String> settings) {
        JavaService gateway = new JavaService("gateway", devstack.dataRoot(), jar, port, settings);
        devstack.startService(gateway);
        return gateway;
    }

    /** A Quarkus datasource (reactive and JDBC) on {@code database}, created if missing. */
    private static Map<String, String> datasource(Devstack devstack, String database) {
        devstack.postgres().createDatabase(database);
        Map<String, String> s = new LinkedHashMap<>();
        s.put(
                "quarkus.datasource.reactive.url",
                "postgresql://" + Ports.LOOPBACK + ":" + devstack.postgres().port() + "/" + database);
        s.put("quarkus.datasource.jdbc.url", devstack.postgres().jdbcUrl(database));
        s.put("quarkus.datasource.username", PostgresServer.USER);
        return s;
    }

    private static Map<String, String> sqs(Devstack devstack, String prefix) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put(prefix + "endpoint", devstack.sqs().endpoint());
        s.put(prefix + "region", SqsServer.REGION);
        // ElasticMQ takes any credentials; the SDK insists on some.
        s.put(prefix + "access-key-id", "walgate");
        s.put(prefix + "secret-access-key", "walgate");
        return s;
    }
}
