package io.walgate.devstack;

import static io.walgate.support.config.SettingNames.ACCESS_KEY_ID;
import static io.walgate.support.config.SettingNames.AUTH_ENABLED;
import static io.walgate.support.config.SettingNames.BOOTSTRAP_SERVERS;
import static io.walgate.support.config.SettingNames.CLIENT_ID;
import static io.walgate.support.config.SettingNames.CLIENT_SECRET;
import static io.walgate.support.config.SettingNames.CONTROLLER;
import static io.walgate.support.config.SettingNames.CONTROLLER_AUTH;
import static io.walgate.support.config.SettingNames.CONTROLLER_URL;
import static io.walgate.support.config.SettingNames.ENDPOINT;
import static io.walgate.support.config.SettingNames.GATEWAY;
import static io.walgate.support.config.SettingNames.KAFKA;
import static io.walgate.support.config.SettingNames.PAYLOAD_STORE_JDBC_URL;
import static io.walgate.support.config.SettingNames.REGION;
import static io.walgate.support.config.SettingNames.SECRET_ACCESS_KEY;
import static io.walgate.support.config.SettingNames.SQS;
import static io.walgate.support.config.SettingNames.WORKER;
import static io.walgate.support.config.SettingNames.key;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How Walgate's own services are pointed at a devstack: the one place the launcher, the services'
 * integration tests and the benchmarks take their settings from. Authentication is left to the
 * caller ({@code walgate.auth.enabled}, {@code quarkus.oidc.auth-server-url}). The services' own keys
 * come from {@code SettingNames}, which their config interfaces use too: a rename there fails
 * compilation here.
 */
public final class WalgateServices {
    public static final String CONTROLLER_DATABASE = "walgate_controller";
    public static final String GATEWAY_DATABASE = "walgate_gateway";

    private WalgateServices() {}

    /** The controller's settings for this devstack, with {@code database} created if missing. */
    public static Map<String, String> controllerSettings(Devstack devstack, String database) {
        Map<String, String> s = new LinkedHashMap<>(datasource(devstack, database));
        s.put(key(CONTROLLER, KAFKA, BOOTSTRAP_SERVERS), devstack.kafka().bootstrapServers());
        s.putAll(sqs(devstack, CONTROLLER));
        return s;
    }

    /**
     * The gateway's settings for this devstack and the controller at {@code controllerUrl}, with its
     * database (idempotency keys, large payloads) created if missing.
     */
    public static Map<String, String> gatewaySettings(Devstack devstack, String controllerUrl) {
        Map<String, String> s = new LinkedHashMap<>(datasource(devstack, GATEWAY_DATABASE));
        s.put(key(GATEWAY, CONTROLLER_URL), controllerUrl);
        s.put(key(GATEWAY, KAFKA, BOOTSTRAP_SERVERS), devstack.kafka().bootstrapServers());
        s.putAll(sqs(devstack, GATEWAY));
        return s;
    }

    /**
     * Authentication on, against the devstack's Keycloak: the service checks tokens of the walgate
     * realm, and the gateway reads the controller's feed as client {@value KeycloakServer#SERVICES_CLIENT}.
     */
    public static Map<String, String> authSettings(Devstack devstack) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put(AUTH_ENABLED, "true");
        s.put("quarkus.oidc.auth-server-url", devstack.keycloak().issuerUrl());
        s.put(key(GATEWAY, CONTROLLER_AUTH, CLIENT_ID), KeycloakServer.SERVICES_CLIENT);
        s.put(key(GATEWAY, CONTROLLER_AUTH, CLIENT_SECRET), KeycloakServer.SERVICES_SECRET);
        s.put(key(WORKER, CONTROLLER_AUTH, CLIENT_ID), KeycloakServer.SERVICES_CLIENT);
        s.put(key(WORKER, CONTROLLER_AUTH, CLIENT_SECRET), KeycloakServer.SERVICES_SECRET);
        return s;
    }

    /**
     * The delivery worker's settings for this devstack and the controller at {@code controllerUrl}:
     * region {@code local}, claim checks redeemed from the gateway's database.
     */
    public static Map<String, String> workerSettings(Devstack devstack, String controllerUrl) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put(key(WORKER, CONTROLLER_URL), controllerUrl);
        s.put(key(WORKER, KAFKA, BOOTSTRAP_SERVERS), devstack.kafka().bootstrapServers());
        s.putAll(sqs(devstack, WORKER));
        devstack.postgres().createDatabase(GATEWAY_DATABASE);
        s.put(
                key(WORKER, PAYLOAD_STORE_JDBC_URL),
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

    /** The SQS group of the service whose settings are under {@code service}. */
    private static Map<String, String> sqs(Devstack devstack, String service) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put(key(service, SQS, ENDPOINT), devstack.sqs().endpoint());
        s.put(key(service, SQS, REGION), SqsServer.REGION);
        // ElasticMQ takes any credentials; the SDK insists on some.
        s.put(key(service, SQS, ACCESS_KEY_ID), "walgate");
        s.put(key(service, SQS, SECRET_ACCESS_KEY), "walgate");
        return s;
    }
}
