package io.walgate.devstack;

import io.walgate.support.config.SettingNames;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Starts Walgate's own services on a started devstack, from the jars {@link ServiceJars} finds,
 * with the settings {@link WalgateServices} gives, and prints how to try them.
 */
final class ServiceStarter {
    private final Devstack devstack;
    private final boolean randomPorts;
    private final int controllerPort;
    private final int gatewayPort;
    private final int workerPort;
    private JavaService controller;
    private JavaService gateway;

    ServiceStarter(Devstack devstack, boolean randomPorts, int controllerPort, int gatewayPort, int workerPort) {
        this.devstack = devstack;
        this.randomPorts = randomPorts;
        this.controllerPort = controllerPort;
        this.gatewayPort = gatewayPort;
        this.workerPort = workerPort;
    }

    /** Starts the chosen services, the controller first: the others read its change feed. */
    void start(Set<ServiceJars> services) {
        if (services.contains(ServiceJars.CONTROLLER)) {
            Map<String, String> settings =
                    WalgateServices.controllerSettings(devstack, WalgateServices.CONTROLLER_DATABASE);
            authSettings(settings);
            managementPort(settings, 9081);
            controller = WalgateServices.startController(
                    devstack, ServiceJars.CONTROLLER.jar(), port(controllerPort), settings);
        }
        if (services.contains(ServiceJars.GATEWAY)) {
            Map<String, String> settings = WalgateServices.gatewaySettings(devstack, controller.endpoint());
            authSettings(settings);
            // For grpcurl without the .proto (docs/api.md); off by default in a deployment.
            settings.put("quarkus.grpc.server.enable-reflection-service", "true");
            managementPort(settings, 9080);
            gateway = WalgateServices.startGateway(devstack, ServiceJars.GATEWAY.jar(), port(gatewayPort), settings);
        }
        if (services.contains(ServiceJars.WORKER)) {
            Map<String, String> settings = WalgateServices.workerSettings(devstack, controller.endpoint());
            authSettings(settings);
            WalgateServices.startWorker(devstack, ServiceJars.WORKER.jar(), port(workerPort), settings);
        }
    }

    private int port(int chosen) {
        return randomPorts ? Ports.free() : chosen;
    }

    /** Health and metrics where the docs say (the service's default), unless ports are random. */
    private void managementPort(Map<String, String> settings, int standard) {
        if (!randomPorts) {
            settings.put("quarkus.management.port", Integer.toString(standard));
        }
    }

    /** Without Keycloak, authentication is off (each service announces it); with it, tokens are required. */
    private void authSettings(Map<String, String> settings) {
        if (devstack.components().contains(Component.KEYCLOAK)) {
            settings.putAll(WalgateServices.authSettings(devstack));
        } else {
            settings.put(SettingNames.AUTH_ENABLED, "false");
        }
    }

    /** What to try first, and where the endpoints are for scripts. */
    void printHints(Path state) {
        if (controller != null) {
            System.out.println();
            if (devstack.components().contains(Component.KEYCLOAK)) {
                System.out.println("Authentication is ON: tokens from "
                        + devstack.keycloak().issuerUrl() + " (docs/security.md).");
            } else {
                System.out.println("Authentication is OFF: anyone may create namespaces and write to them."
                        + " Start with --with-keycloak to require tokens (docs/security.md).");
            }
            System.out.println("Try it: curl -X POST " + controller.endpoint()
                    + "/v1/namespaces -d @namespace-controller/examples/namespace-kafka.json");
            if (gateway != null) {
                System.out.println(
                        "        curl -X POST " + gateway.endpoint()
                                + "/v1/namespaces/orders/entries -d '{\"json\": {\"total\": 12.5}, \"partitionKey\": \"order-42\"}'");
                System.out.println("Or with walctl (docs/cli.md):");
                if (randomPorts) {
                    System.out.println("        export WALCTL_CONTROLLER=" + controller.endpoint() + " WALCTL_GATEWAY="
                            + gateway.endpoint());
                }
                System.out.println("        cli/walctl apply -f cli/examples/namespaces.yaml");
                System.out.println("        cli/walctl write orders --data hello --key order-42");
            }
        }
        System.out.println();
        System.out.println("Endpoints for scripts: source " + state);
    }
}
