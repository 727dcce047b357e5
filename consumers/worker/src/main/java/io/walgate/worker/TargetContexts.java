package io.walgate.worker;

import io.walgate.client.NamespaceDirectory;
import io.walgate.consumers.targets.TargetContext;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.ResourceNames;
import io.walgate.contract.namespace.TargetConfinement;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What each namespace's targets know of this worker: its token, only for a {@code wal} target on an
 * allowed host ({@link TokenHosts}), and which Kafka topics are Walgate's own, from every namespace
 * the worker knows (a log may have a custom name; the gateway checked too, but against its view at
 * the time, and a delayed entry may meet a namespace created since).
 */
final class TargetContexts {
    private final String region;
    private final Supplier<Optional<String>> token;
    private final TokenHosts hosts;
    private final NamespaceDirectory namespaces;

    TargetContexts(String region, Supplier<Optional<String>> token, TokenHosts hosts, NamespaceDirectory namespaces) {
        this.region = region;
        this.token = token;
        this.hosts = hosts;
        this.namespaces = namespaces;
    }

    TargetContext of(NamespaceSpec spec) {
        return new TargetContext(spec.name(), region, hosts.tokenFor(spec, region, token), this::isWalgateTopic);
    }

    boolean isWalgateTopic(String topic) {
        if (TargetConfinement.isReservedTopic(topic)) {
            return true;
        }
        for (NamespaceSpec ns : namespaces.all()) {
            if (ResourceNames.isKafkaResourceOf(ns.backend(), topic)) {
                return true;
            }
        }
        return false;
    }
}
