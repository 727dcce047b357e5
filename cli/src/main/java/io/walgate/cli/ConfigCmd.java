package io.walgate.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "config",
        description = "Contexts in ~/.config/walctl/config.yaml (\\$WALCTL_CONFIG): where the platform is and how to"
                + " authenticate.",
        mixinStandardHelpOptions = true,
        subcommands = {ConfigCmd.View.class, ConfigCmd.UseContext.class, ConfigCmd.SetContext.class})
final class ConfigCmd {

    @Command(name = "view", description = "Print the contexts (secrets masked).", mixinStandardHelpOptions = true)
    static final class View implements Runnable {
        @Mixin
        Global global;

        @Override
        public void run() {
            Contexts contexts = Contexts.load();
            ObjectNode shown = Api.JSON.valueToTree(contexts.file());
            shown.path("contexts").forEach(c -> {
                if (c.has("clientSecret")) {
                    ((ObjectNode) c).put("clientSecret", "*****");
                }
                if (c.has("token")) {
                    ((ObjectNode) c).put("token", "*****");
                }
            });
            List<List<String>> rows = new ArrayList<>();
            for (Map.Entry<String, Contexts.Context> e :
                    contexts.file().contexts.entrySet()) {
                Contexts.Context c = e.getValue();
                rows.add(List.of(
                        e.getKey().equals(contexts.file().currentContext) ? "*" : "",
                        e.getKey(),
                        or(c.controller),
                        or(c.gateway),
                        c.auth == null ? "none" : c.auth));
            }
            global.out().print(shown, List.of("CURRENT", "NAME", "CONTROLLER", "GATEWAY", "AUTH"), rows);
        }
    }

    @Command(name = "use-context", description = "Make a context the current one.", mixinStandardHelpOptions = true)
    static final class UseContext implements Runnable {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public void run() {
            Contexts contexts = Contexts.load();
            contexts.find(name); // refuses an unknown name with a hint
            contexts.file().currentContext = name;
            contexts.save();
            System.out.println("current context is now '" + name + "'");
        }
    }

    @Command(
            name = "set-context",
            description = "Create or change a context (and make it current if there is none).",
            mixinStandardHelpOptions = true)
    static final class SetContext implements Runnable {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--controller", description = "Controller URL, e.g. http://127.0.0.1:8081.")
        String controller;

        @Option(names = "--gateway", description = "Gateway URL, e.g. http://127.0.0.1:8080.")
        String gateway;

        @Option(names = "--worker", description = "Delivery worker URL, e.g. http://127.0.0.1:8082.")
        String worker;

        @Option(names = "--auth", description = "none, token or client-credentials.")
        String auth;

        @Option(names = "--auth-token", description = "The bearer token of --auth token.")
        String token;

        @Option(
                names = "--token-url",
                description = "Token endpoint for client-credentials, e.g."
                        + " http://127.0.0.1:8180/realms/walgate/protocol/openid-connect/token.")
        String tokenUrl;

        @Option(names = "--client-id", description = "Client id for client-credentials.")
        String clientId;

        @Option(names = "--client-secret", description = "Client secret for client-credentials.")
        String clientSecret;

        @Override
        public void run() {
            if (auth != null && !List.of("none", "token", "client-credentials").contains(auth)) {
                throw new CliException(
                        CliException.USAGE, "--auth must be none, token or client-credentials, not '" + auth + "'");
            }
            Contexts contexts = Contexts.load();
            Contexts.Context c = contexts.file().contexts.computeIfAbsent(name, n -> new Contexts.Context());
            c.controller = set(c.controller, controller);
            c.gateway = set(c.gateway, gateway);
            c.worker = set(c.worker, worker);
            c.token = set(c.token, token);
            c.tokenUrl = set(c.tokenUrl, tokenUrl);
            c.clientId = set(c.clientId, clientId);
            c.clientSecret = set(c.clientSecret, clientSecret);
            c.auth = auth != null
                    ? auth
                    : c.auth != null
                            ? c.auth
                            : clientId != null ? "client-credentials" : token != null ? "token" : null;
            if (contexts.file().currentContext == null) {
                contexts.file().currentContext = name;
            }
            contexts.save();
            System.out.println("context '" + name + "' saved in " + contexts.path());
        }

        private static String set(String current, String given) {
            return given != null ? given : current;
        }
    }

    static String or(String s) {
        return s == null ? "(default)" : s;
    }
}
