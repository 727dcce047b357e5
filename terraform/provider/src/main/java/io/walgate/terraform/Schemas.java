package io.walgate.terraform;

import static io.walgate.terraform.Attr.Kind.COMPUTED;
import static io.walgate.terraform.Attr.Kind.OPTIONAL;
import static io.walgate.terraform.Attr.Kind.OPTIONAL_COMPUTED;
import static io.walgate.terraform.Attr.Kind.REQUIRED;
import static io.walgate.terraform.Attr.Nesting.LIST;
import static io.walgate.terraform.Attr.Nesting.MAP;
import static io.walgate.terraform.Attr.Nesting.SINGLE;
import static io.walgate.terraform.TfType.BOOL;
import static io.walgate.terraform.TfType.NUMBER;
import static io.walgate.terraform.TfType.STRING;
import static io.walgate.terraform.TfType.STRINGS;
import static io.walgate.terraform.TfType.STRING_MAP;

import io.walgate.terraform.Attr.Semantics;
import java.util.ArrayList;
import java.util.List;

/**
 * What the provider offers Terraform: its configuration, resource {@code walgate_namespace}, data
 * sources {@code walgate_namespace} and {@code walgate_namespaces}. The namespace's attributes are
 * the controller's spec (docs/namespaces.md) in snake_case; the controller validates them and fills
 * in their defaults, at plan time.
 */
final class Schemas {
    static final String NAMESPACE = "walgate_namespace";
    static final String NAMESPACES = "walgate_namespaces";

    static final List<Attr> PROVIDER = List.of(
            Attr.of(
                    "endpoint",
                    STRING,
                    OPTIONAL,
                    "The controller's URL (default: $WALGATE_CONTROLLER_URL, else http://localhost:8081)."),
            Attr.of("token", STRING, OPTIONAL, "A bearer token (default: $WALGATE_TOKEN).")
                    .secret(),
            Attr.of(
                    "client_id",
                    STRING,
                    OPTIONAL,
                    "An OAuth client for a client-credentials grant (default: $WALGATE_CLIENT_ID)."),
            Attr.of("client_secret", STRING, OPTIONAL, "Its secret (default: $WALGATE_CLIENT_SECRET).")
                    .secret(),
            Attr.of(
                    "token_url",
                    STRING,
                    OPTIONAL,
                    "The token endpoint (default: $WALGATE_TOKEN_URL, else Keycloak's under"
                            + " $WALGATE_OIDC_ISSUER)."));

    /** The spec's attributes, in the spec's order. */
    static final List<Attr> SPEC = List.of(
            Attr.of("name", STRING, REQUIRED, "The namespace's name; changing it replaces the namespace."),
            Attr.of("shard", STRING, OPTIONAL_COMPUTED, "The deployment group that serves it (default: default)."),
            Attr.of("owner", STRING, REQUIRED, "The team that owns it."),
            Attr.of(
                            "state",
                            STRING,
                            OPTIONAL_COMPUTED,
                            "ACTIVE or PAUSED; left out, Terraform keeps whatever it is (it never resumes a"
                                    + " namespace an operator paused).")
                    .with(Semantics.ENUM),
            Attr.nested(
                    "backend",
                    SINGLE,
                    REQUIRED,
                    "Where entries are logged.",
                    Attr.of("type", STRING, REQUIRED, "kafka or sqs; changing it replaces the namespace.")
                            .with(Semantics.ENUM),
                    Attr.of(
                            "topic",
                            STRING,
                            OPTIONAL_COMPUTED,
                            "The topic or queue (default wal.<name> / wal-<name>); changing it replaces the"
                                    + " namespace."),
                    Attr.of("partitions", NUMBER, OPTIONAL_COMPUTED, "Kafka partitions (default 12); may only grow.")),
            Attr.nested(
                    "delivery",
                    SINGLE,
                    OPTIONAL_COMPUTED,
                    "How entries are delivered.",
                    Attr.of("ordering", STRING, OPTIONAL_COMPUTED, "NONE or KEY (default NONE).")
                            .with(Semantics.ENUM),
                    Attr.of("max_delay", STRING, OPTIONAL_COMPUTED, "The longest delay a write may ask for (P7D).")
                            .with(Semantics.DURATION)),
            Attr.nested(
                    "retry",
                    SINGLE,
                    OPTIONAL_COMPUTED,
                    "How failed deliveries are retried.",
                    Attr.of("max_attempts", NUMBER, OPTIONAL_COMPUTED, "Attempts, the first included (8)."),
                    Attr.of("initial_backoff", STRING, OPTIONAL_COMPUTED, "The first wait (PT1S).")
                            .with(Semantics.DURATION),
                    Attr.of("multiplier", NUMBER, OPTIONAL_COMPUTED, "Each wait's growth (2.0)."),
                    Attr.of("max_backoff", STRING, OPTIONAL_COMPUTED, "The longest wait (PT5M).")
                            .with(Semantics.DURATION),
                    Attr.of("jitter", NUMBER, OPTIONAL_COMPUTED, "The share of each wait drawn at random (0.2).")),
            Attr.nested(
                    "target",
                    SINGLE,
                    REQUIRED,
                    "Where entries are applied.",
                    Attr.of("type", STRING, REQUIRED, "postgres, redis, http, kafka or wal.")
                            .with(Semantics.ENUM),
                    Attr.nested(
                            "regions",
                            MAP,
                            REQUIRED,
                            "The target in each region, by region name.",
                            Attr.of("url", STRING, REQUIRED, "The target's URL; credentials as ${secret:NAME}."),
                            Attr.of("options", STRING_MAP, OPTIONAL_COMPUTED, "Type-specific settings.")),
                    Attr.of(
                            "allow",
                            new TfType.MapOf(STRINGS),
                            OPTIONAL_COMPUTED,
                            "What an entry may choose for table, topic, namespace or path besides its"
                                    + " region's own.")),
            Attr.nested(
                    "limits",
                    SINGLE,
                    OPTIONAL_COMPUTED,
                    "What a write may be.",
                    Attr.of("max_payload_bytes", NUMBER, OPTIONAL_COMPUTED, "The largest payload (1048576)."),
                    Attr.of("writes_per_second", NUMBER, OPTIONAL_COMPUTED, "Writes per second (5000)."),
                    Attr.of("dedup_window", STRING, OPTIONAL_COMPUTED, "How long an idempotency key holds (PT24H).")
                            .with(Semantics.DURATION),
                    Attr.of("max_mutation_items", NUMBER, OPTIONAL_COMPUTED, "Items in one mutation (1000)."),
                    Attr.of(
                            "max_mutation_bytes",
                            NUMBER,
                            OPTIONAL_COMPUTED,
                            "Payload bytes of one mutation's items together (16777216).")),
            Attr.nested(
                    "access",
                    SINGLE,
                    OPTIONAL_COMPUTED,
                    "Who may write and operate it.",
                    Attr.of("writers", STRINGS, OPTIONAL_COMPUTED, "Principals that may write."),
                    Attr.of("operators", STRINGS, OPTIONAL_COMPUTED, "Principals that may operate it.")));

    /** What the controller decides: known once it has the namespace. */
    static final List<Attr> STATUS = List.of(
            Attr.of("version", NUMBER, COMPUTED, "The namespace's version (its ETag)."),
            Attr.of("status", STRING, COMPUTED, "PROVISIONING, READY, FAILED or DELETING."),
            Attr.of("status_reason", STRING, COMPUTED, "Why provisioning failed, when it did."),
            Attr.of("created_at", STRING, COMPUTED, "When it was created."),
            Attr.of("updated_at", STRING, COMPUTED, "When it was last changed."),
            Attr.of("updated_by", STRING, COMPUTED, "Who changed it last."));

    static final List<Attr> RESOURCE = concat(
            List.of(Attr.of("id", STRING, COMPUTED, "The namespace's name.")),
            SPEC,
            List.of(Attr.of(
                    "force_destroy",
                    BOOL,
                    OPTIONAL,
                    "Destroy even while the namespace holds entries its targets have not had, dropping"
                            + " them (default false: the destroy fails with NAMESPACE_NOT_DRAINED).")),
            STATUS);

    static final List<Attr> DATA_NAMESPACE = concat(
            List.of(Attr.of("id", STRING, COMPUTED, "The namespace's name.")),
            List.of(Attr.find(SPEC, "name")),
            SPEC.stream()
                    .filter(a -> !a.name().equals("name"))
                    .map(Attr::computedOnly)
                    .toList(),
            STATUS);

    static final List<Attr> DATA_NAMESPACES = List.of(
            Attr.of("id", STRING, COMPUTED, "The filter, as one string."),
            Attr.of("shard", STRING, OPTIONAL, "Only namespaces of this shard."),
            Attr.of("state", STRING, OPTIONAL, "Only namespaces in this state (ACTIVE, PAUSED, DELETED)."),
            Attr.of("names", STRINGS, COMPUTED, "Their names, in name order."),
            Attr.nested(
                    "namespaces",
                    LIST,
                    COMPUTED,
                    "Each namespace, in name order.",
                    Attr.of("name", STRING, COMPUTED, ""),
                    Attr.of("shard", STRING, COMPUTED, ""),
                    Attr.of("owner", STRING, COMPUTED, ""),
                    Attr.of("state", STRING, COMPUTED, ""),
                    Attr.of("backend_type", STRING, COMPUTED, ""),
                    Attr.of("target_type", STRING, COMPUTED, ""),
                    Attr.of("status", STRING, COMPUTED, ""),
                    Attr.of("version", NUMBER, COMPUTED, "")));

    static final TfType.ObjectOf PROVIDER_TYPE = Attr.objectType(PROVIDER);
    static final TfType.ObjectOf RESOURCE_TYPE = Attr.objectType(RESOURCE);
    static final TfType.ObjectOf DATA_NAMESPACE_TYPE = Attr.objectType(DATA_NAMESPACE);
    static final TfType.ObjectOf DATA_NAMESPACES_TYPE = Attr.objectType(DATA_NAMESPACES);

    private Schemas() {}

    @SafeVarargs
    private static List<Attr> concat(List<Attr>... parts) {
        List<Attr> all = new ArrayList<>();
        for (List<Attr> part : parts) {
            all.addAll(part);
        }
        return List.copyOf(all);
    }
}
