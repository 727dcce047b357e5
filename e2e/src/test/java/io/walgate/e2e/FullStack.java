package io.walgate.e2e;

import io.walgate.devstack.Component;
import io.walgate.devstack.Devstack;
import io.walgate.devstack.JavaService;
import io.walgate.devstack.KeycloakServer;
import io.walgate.devstack.Ports;
import io.walgate.devstack.ServiceJars;
import io.walgate.devstack.WalgateServices;
import io.walgate.support.config.SettingNames;
import java.net.URI;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import redis.clients.jedis.RedisClient;

/**
 * Everything a user of Walgate talks to, started once per test JVM: the devstack's servers (Kafka,
 * ElasticMQ, PostgreSQL, Redis; Keycloak only when a test asks for it) and the packaged controller,
 * gateway and two delivery workers (regions {@code local} and {@code west}), authentication off.
 *
 * <p>Tests share it, so each one works in namespaces (and Redis databases) of its own; a test that
 * kills a service starts it again before it returns. Get it with {@link FullStackExtension}.
 */
public final class FullStack implements AutoCloseable {
    private final Devstack devstack;
    private final JavaService controller;
    private final JavaService gateway;
    private final JavaService worker;
    private final JavaService westWorker;
    private final WalgateClient client;
    private JavaService securedController;

    private FullStack(Devstack devstack) {
        this.devstack = devstack;
        // Keycloak is declared but left stopped: it is the slowest server, and only tests with tokens need it.
        devstack.start(Component.POSTGRES, Component.KAFKA, Component.SQS, Component.REDIS);
        Map<String, String> c = WalgateServices.controllerSettings(devstack, WalgateServices.CONTROLLER_DATABASE);
        c.put(SettingNames.AUTH_ENABLED, "false");
        // Namespaces become READY within a second or so, not the production interval.
        c.put(SettingNames.key(SettingNames.CONTROLLER, SettingNames.RECONCILE_INTERVAL), "PT1S");
        // A replay job left by a killed controller is taken over after 5 s, not the production 30.
        c.put(SettingNames.key(SettingNames.CONTROLLER, "replay.lease"), "PT5S");
        // A deleted namespace's name is free again after 2 s, not 30: Terraform's re-creations wait for it.
        c.put(SettingNames.key(SettingNames.CONTROLLER, "delete-grace"), "PT2S");
        controller = WalgateServices.startController(devstack, ServiceJars.CONTROLLER.jar(), Ports.free(), c);
        Map<String, String> g = WalgateServices.gatewaySettings(devstack, controller.endpoint());
        g.put(SettingNames.AUTH_ENABLED, "false");
        // Mutations whose marker never made it are reclaimed 45 s after they are due (production: a
        // day), looked for every second; a crash test can halt the gateway between items and marker.
        g.put(SettingNames.key(SettingNames.GATEWAY, "mutation-reclaim-after"), "PT45S");
        g.put(SettingNames.key(SettingNames.GATEWAY, "purge-interval"), "PT1S");
        g.put(
                SettingNames.key(SettingNames.GATEWAY, "test-faults.halt-after-mutation-stored"),
                devstack.dataRoot()
                        .resolve("gateway-halt-after-mutation-stored")
                        .toString());
        gateway = WalgateServices.startGateway(devstack, ServiceJars.GATEWAY.jar(), Ports.free(), g);
        worker = WalgateServices.startWorker(
                devstack,
                ServiceJars.WORKER.jar(),
                Ports.free(),
                WalgateServices.workerSettings(devstack, controller.endpoint()));
        Map<String, String> west = WalgateServices.workerSettings(devstack, controller.endpoint());
        west.put(SettingNames.key(SettingNames.WORKER, SettingNames.REGION), "west");
        westWorker = WalgateServices.startWorker(devstack, "worker-west", ServiceJars.WORKER.jar(), Ports.free(), west);
        client = new WalgateClient(controller.endpoint(), gateway.endpoint());
    }

    /** Starts the whole stack under {@code dataRoot}, wiping what an earlier run left there. */
    static FullStack start(Path dataRoot) {
        Devstack devstack = Devstack.builder(dataRoot)
                .with(EnumSet.allOf(Component.class))
                .randomPorts()
                .fresh()
                .build();
        try {
            return new FullStack(devstack);
        } catch (RuntimeException e) {
            devstack.close();
            throw e;
        }
    }

    /** The servers underneath, e.g. to create a PostgreSQL database for a target. */
    public Devstack devstack() {
        return devstack;
    }

    /** Calls to the controller and the gateway, as a user's HTTP client makes them. */
    public WalgateClient client() {
        return client;
    }

    public String controllerUrl() {
        return controller.endpoint();
    }

    /** The controller: a process to kill (a test that does starts it again, on the same port). */
    public JavaService controller() {
        return controller;
    }

    public String gatewayUrl() {
        return gateway.endpoint();
    }

    /** The gateway: a process to kill (a test that does starts it again, on the same port). */
    public JavaService gateway() {
        return gateway;
    }

    /**
     * Where a test puts a file to have the gateway halt after storing the next new mutation's items,
     * before its marker (the gateway's {@code test-faults.halt-after-mutation-stored}).
     */
    public Path gatewayHaltSwitch() {
        return devstack.dataRoot().resolve("gateway-halt-after-mutation-stored");
    }

    /** The delivery worker of region {@code local}: its metrics, its log, and a process to kill. */
    public JavaService worker() {
        return worker;
    }

    /** The delivery worker of region {@code west}. */
    public JavaService westWorker() {
        return westWorker;
    }

    /** The URL of Redis database {@code db}, for a namespace's target. */
    public String redisUrl(int db) {
        return devstack.redis().endpoint() + "/" + db;
    }

    /** A client on Redis database {@code db}, to read a target back; the caller closes it. */
    public RedisClient redis(int db) {
        return RedisClient.create(URI.create(redisUrl(db)));
    }

    /**
     * A second controller, started on first use, that requires tokens. Refusing a call needs no
     * identity provider, so it points at an issuer nobody answers on and Keycloak stays stopped.
     */
    public synchronized String securedControllerUrl() {
        if (securedController == null) {
            Map<String, String> s = WalgateServices.controllerSettings(devstack, "walgate_secured");
            s.put(SettingNames.AUTH_ENABLED, "true");
            s.put("quarkus.oidc.auth-server-url", "http://127.0.0.1:" + Ports.free() + "/realms/walgate");
            securedController = new JavaService(
                    "secured-controller", devstack.dataRoot(), ServiceJars.CONTROLLER.jar(), Ports.free(), s);
            devstack.startService(securedController);
        }
        return securedController.endpoint();
    }

    /** The devstack's Keycloak, started on first use, for tests that need real tokens. */
    public synchronized KeycloakServer keycloak() {
        devstack.keycloak().start();
        return devstack.keycloak();
    }

    @Override
    public void close() {
        devstack.close();
    }
}
