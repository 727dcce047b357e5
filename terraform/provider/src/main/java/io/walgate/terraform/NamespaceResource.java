package io.walgate.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reading, creating, changing, destroying and importing a {@code walgate_namespace} (its plan is
 * {@link NamespacePlan}'s).
 *
 * <ol>
 *   <li>Apply returns exactly the planned values, with the unknown ones as the controller decided
 *       them; it sends nothing when only the spelling or {@code force_destroy} changed.
 *   <li>A change is sent with the version Terraform read ({@code If-Match}): a namespace changed by
 *       someone else since is reported, never overwritten.
 *   <li>Create and change wait until the namespace is {@code READY} (its topics or queues exist),
 *       at most {@link #READY_WAIT}: a service can write to it when apply returns. A namespace
 *       still {@code FAILED} after {@link #FAILED_WAIT} (the controller retries), a controller
 *       that stops answering and Ctrl-C end the wait with a warning: once sent, the namespace is
 *       in the state as the controller last showed it, never lost from it nor tainted.
 *   <li>Creating a namespace whose name a deleted one still holds (during the controller's delete
 *       grace, 30 s) waits for it to go, so that a replacement under the same name works.
 *   <li>A namespace that is gone or being deleted reads as gone: Terraform plans to create it.
 *   <li>Destroy refuses, like the controller, while targets have not had every entry, unless
 *       {@code force_destroy} is set.
 * </ol>
 */
final class NamespaceResource {
    static final Duration READY_WAIT = Duration.ofMinutes(3);
    static final Duration FAILED_WAIT = Duration.ofSeconds(20);
    private static volatile boolean stopping;
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    private NamespaceResource() {}

    /** The resource's state from the controller's namespace, spelled as {@code prior} spelled it. */
    static Map<String, Object> stateOf(JsonNode namespace, Map<?, ?> prior) {
        Map<String, Object> spec =
                Values.keepSpelling(Schemas.SPEC, prior, Values.fromJson(Schemas.SPEC, namespace.path("spec")));
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("id", namespace.path("name").asText());
        state.putAll(spec);
        state.put("force_destroy", prior == null ? null : prior.get("force_destroy"));
        state.put("version", new BigDecimal(namespace.path("version").asLong()));
        state.put("status", text(namespace.path("status").path("phase")));
        state.put("status_reason", text(namespace.path("status").path("reason")));
        state.put("created_at", text(namespace.path("createdAt")));
        state.put("updated_at", text(namespace.path("updatedAt")));
        state.put("updated_by", text(namespace.path("updatedBy")));
        return state;
    }

    private static String text(JsonNode n) {
        return n.isMissingNode() || n.isNull() ? null : n.asText();
    }

    static Map<String, Object> read(ControllerClient controller, Map<?, ?> prior) {
        try {
            JsonNode ns = controller.get("/v1/namespaces/" + prior.get("name")).body();
            return "DELETING".equals(ns.path("status").path("phase").asText()) ? null : stateOf(ns, prior);
        } catch (ControllerProblem p) {
            // Only the controller's own "no such namespace" means gone: a 404 of a proxy or a
            // wrong path must not make Terraform forget (and re-create) what exists.
            if (isNotFound(p)) {
                return null;
            }
            throw p;
        }
    }

    /** The controller's own "no such namespace", not a 404 of a proxy or a wrong path. */
    private static boolean isNotFound(ControllerProblem p) {
        return p.status() == 404 && "NAMESPACE_NOT_FOUND".equals(p.code());
    }

    /** Terraform asked the provider to stop (Ctrl-C): waits end at once. */
    static void stop() {
        stopping = true;
    }

    /** Whether {@code name} is a namespace name (and so safe in a path). */
    static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches() && !name.equals("changes");
    }

    static Map<String, Object> importByName(ControllerClient controller, String name, Diags diags) {
        if (!validName(name)) {
            diags.error(
                    "Invalid import id",
                    "'" + name + "' is no namespace name: import a walgate_namespace by its name (1-64 of a-z, 0-9,"
                            + " '_' and '-')",
                    null);
            return null;
        }
        try {
            return stateOf(controller.get("/v1/namespaces/" + name).body(), null);
        } catch (ControllerProblem p) {
            if (p.status() == 404) {
                diags.error(
                        "Cannot import namespace " + name,
                        "no namespace named '" + name + "' (NAMESPACE_NOT_FOUND)",
                        null);
                return null;
            }
            throw p;
        }
    }

    /** Applies {@code planned} over {@code prior}; returns the new state (null when destroyed). */
    static Map<String, Object> apply(ControllerClient controller, Map<?, ?> prior, Map<?, ?> planned, Diags diags) {
        if (planned == null) {
            return destroy(controller, prior, diags) ? null : copy(prior);
        }
        JsonNode body = Values.toJson(Schemas.SPEC, planned);
        String name = (String) planned.get("name");
        JsonNode ns;
        try {
            if (prior == null) {
                ns = create(controller, name, body);
            } else if (Values.sameObject(Schemas.SPEC, prior, planned)) {
                return copy(planned); // nothing the controller would see changed
            } else {
                ns = change(controller, prior, name, body);
            }
        } catch (ControllerProblem p) {
            diags.problem(prior == null ? "creating namespace " + name : "changing namespace " + name, p);
            return prior == null ? null : copy(prior);
        }
        // From here the namespace exists as sent: whatever the wait meets, the state records it.
        ns = awaitReady(controller, name, ns, diags);
        Object settled = Values.settle(planned, stateOf(ns, planned));
        @SuppressWarnings("unchecked")
        Map<String, Object> state = (Map<String, Object>) settled;
        return state;
    }

    private static JsonNode create(ControllerClient controller, String name, JsonNode body) {
        Instant deadline = Instant.now().plus(READY_WAIT);
        while (true) {
            try {
                return controller.send("POST", "/v1/namespaces", body, null).body();
            } catch (ControllerProblem p) {
                if (p.status() != 409 || !"NAMESPACE_EXISTS".equals(p.code())) {
                    throw p;
                }
                JsonNode existing;
                try {
                    existing = controller.get("/v1/namespaces/" + name).body();
                } catch (ControllerProblem gone) {
                    if (!isNotFound(gone)) {
                        throw gone;
                    }
                    // Removed between the refusal and the look: create it on the next round.
                    existing = ControllerClient.JSON.createObjectNode();
                    ((ObjectNode) existing).putObject("status").put("phase", "DELETING");
                }
                if (!"DELETING".equals(existing.path("status").path("phase").asText())) {
                    throw new ControllerProblem(
                            409,
                            "NAMESPACE_EXISTS",
                            "namespace '" + name + "' already exists outside this configuration; adopt it with"
                                    + " `terraform import <address> " + name + "` or an import block",
                            null);
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new ControllerProblem(
                            409,
                            "NAMESPACE_EXISTS",
                            "namespace '" + name + "' is still being deleted; apply again later",
                            null);
                }
                pause(Duration.ofSeconds(1));
            }
        }
    }

    private static JsonNode change(ControllerClient controller, Map<?, ?> prior, String name, JsonNode body) {
        String version = Msgpack.number(prior.get("version")).toPlainString();
        try {
            return controller
                    .send("PUT", "/v1/namespaces/" + name, body, version)
                    .body();
        } catch (ControllerProblem p) {
            if (p.status() == 412) {
                throw new ControllerProblem(
                        412,
                        p.code(),
                        "namespace '" + name + "' was changed by someone else since Terraform read it (version "
                                + version + "); nothing was overwritten: run plan again to see the new difference",
                        null);
            }
            throw p;
        }
    }

    private static JsonNode awaitReady(ControllerClient controller, String name, JsonNode ns, Diags diags) {
        Instant deadline = Instant.now().plus(READY_WAIT);
        Instant failedSince = null;
        JsonNode current = ns;
        while (true) {
            String phase = current.path("status").path("phase").asText();
            if ("READY".equals(phase)) {
                return current;
            }
            // The controller retries a failed provisioning with backoff: a broker's blip heals by
            // itself. Only a failure that lasts is reported, as a warning: the namespace exists
            // as configured (no taint, no replacement that would drop what it holds).
            failedSince = "FAILED".equals(phase) ? (failedSince == null ? Instant.now() : failedSince) : null;
            if (failedSince != null && Instant.now().isAfter(failedSince.plus(FAILED_WAIT))) {
                diags.warning(
                        "Namespace " + name + " failed to provision",
                        current.path("status").path("reason").asText("no reason given")
                                + " (status FAILED for " + FAILED_WAIT.toSeconds() + " s; the controller keeps retrying"
                                + " with backoff: fix the cause, then check with walctl ns get " + name + ")",
                        null);
                return current;
            }
            if (Instant.now().isAfter(deadline)) {
                diags.warning(
                        "Namespace " + name + " is not READY yet",
                        "still " + phase + " after " + READY_WAIT.toMinutes() + " minutes; writes to it may fail until"
                                + " it is (walctl ns get " + name + ")",
                        null);
                return current;
            }
            try {
                pause(Duration.ofMillis(500));
                current = controller.get("/v1/namespaces/" + name).body();
            } catch (ControllerProblem p) {
                diags.warning(
                        "Stopped waiting for namespace " + name + " to be READY",
                        "it was " + (prior(current)) + " when the controller stopped answering (" + p.getMessage()
                                + "); it is recorded in the state as the controller last showed it",
                        null);
                return current;
            }
        }
    }

    private static String prior(JsonNode ns) {
        return ns.path("status").path("phase").asText("not READY yet");
    }

    private static boolean destroy(ControllerClient controller, Map<?, ?> prior, Diags diags) {
        boolean force = Boolean.TRUE.equals(prior.get("force_destroy"));
        String name = (String) prior.get("name");
        try {
            controller.send("DELETE", "/v1/namespaces/" + name + "?force=" + force, null, null);
            return true;
        } catch (ControllerProblem p) {
            if (isNotFound(p)) {
                return true;
            }
            if ("NAMESPACE_NOT_DRAINED".equals(p.code())) {
                diags.error(
                        "Namespace " + name + " still holds undelivered entries",
                        p.getMessage() + ". To drop them with the namespace, set force_destroy = true and apply"
                                + " before destroying (NAMESPACE_NOT_DRAINED)",
                        null);
                return false;
            }
            diags.problem("deleting namespace " + name, p);
            return false;
        }
    }

    private static Map<String, Object> copy(Map<?, ?> value) {
        Map<String, Object> out = new LinkedHashMap<>();
        value.forEach((k, v) -> out.put((String) k, v));
        return out;
    }

    private static void pause(Duration d) {
        if (stopping) {
            throw new ControllerProblem(0, "STOPPED", "Terraform stopped the provider (interrupted)", null);
        }
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControllerProblem(0, "STOPPED", "Terraform stopped the provider", null);
        }
    }
}
