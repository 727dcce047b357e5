package io.walgate.gateway.core;

import io.walgate.client.NamespaceDirectory;
import io.walgate.contract.ErrorCode;
import io.walgate.contract.Violation;
import io.walgate.contract.WalException;
import io.walgate.contract.entry.WriteRequest;
import io.walgate.contract.namespace.Caller;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.ResourceNames;
import io.walgate.contract.namespace.TargetConfinement;
import io.walgate.contract.namespace.TargetType;
import java.util.List;
import java.util.Map;

/** The write path's check that an entry stays inside its namespace: 403 TARGET_NOT_ALLOWED. */
final class EntryConfinement {
    private EntryConfinement() {}

    /**
     * Keeps the entry inside its namespace ({@link TargetConfinement}): a table, topic, remote
     * namespace or path its target.allow does not grant is refused, and so is any namespace's own
     * Kafka topic (a custom log name need not start with the reserved prefix).
     */
    static void check(WriteRequest request, NamespaceSpec namespace, Caller caller, NamespaceDirectory namespaces) {
        check(request, namespace, caller, namespaces, "");
    }

    /** @param prefix the request's path in the call, e.g. {@code items[3].}, for the violation */
    static void check(
            WriteRequest request,
            NamespaceSpec namespace,
            Caller caller,
            NamespaceDirectory namespaces,
            String prefix) {
        Map<String, String> options = request.target().options();
        if (options.isEmpty()) {
            return;
        }
        for (Map.Entry<String, String> option : options.entrySet()) {
            TargetConfinement.problem(namespace, option.getKey(), option.getValue())
                    .ifPresent(problem -> {
                        throw notAllowed(
                                prefix, option.getKey(), caller.name() + " may not send entries there: " + problem);
                    });
        }
        String topic = options.get("topic");
        if (topic != null && namespace.target().type() == TargetType.KAFKA) {
            for (NamespaceSpec other : namespaces.all()) {
                if (ResourceNames.isKafkaResourceOf(other.backend(), topic)) {
                    throw notAllowed(prefix, "topic", "'" + topic + "' is a Walgate namespace's own topic");
                }
            }
        }
    }

    private static WalException notAllowed(String prefix, String option, String message) {
        return WalException.invalid(
                List.of(new Violation(prefix + "target.options." + option, ErrorCode.TARGET_NOT_ALLOWED, message)));
    }
}
