package io.walgate.controller.store;

import io.walgate.adapter.kafka.KafkaDelayTiers;
import io.walgate.contract.namespace.BackendSpec;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.NamespaceSpec;
import io.walgate.contract.namespace.ResourceNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Every backend resource name a namespace will own, with the key the backend compares it by: what
 * the controller reserves for the namespace so that no other can be given one of them.
 */
public final class ResourceClaims {
    private ResourceClaims() {}

    /**
     * A name a namespace claims.
     *
     * @param role what it is to the namespace: log, dead-letter queue, delay tier
     */
    public record Claim(BackendType backend, String name, String collisionKey, String role) {}

    /** The names of a spec with its defaults filled in; empty when it names no backend. */
    public static List<Claim> of(NamespaceSpec spec) {
        BackendSpec backend = spec.backend();
        if (backend == null || backend.type() == null || backend.topic() == null) {
            return List.of();
        }
        BackendType type = backend.type();
        String log = backend.topic();
        List<Claim> claims = new ArrayList<>();
        claims.add(claim(type, log, "log"));
        claims.add(claim(type, ResourceNames.deadLetterName(type, log), "dead-letter queue"));
        if (type == BackendType.KAFKA) {
            for (Duration tier : KafkaDelayTiers.TIERS) {
                claims.add(claim(type, KafkaDelayTiers.topicName(log, tier), "delay tier"));
            }
        }
        return List.copyOf(claims);
    }

    private static Claim claim(BackendType type, String name, String role) {
        return new Claim(type, name, ResourceNames.collisionKey(type, name), role);
    }
}
