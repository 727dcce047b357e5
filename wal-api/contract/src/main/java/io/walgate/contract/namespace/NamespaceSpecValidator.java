package io.walgate.contract.namespace;

import io.walgate.contract.ErrorCode;
import io.walgate.contract.Violation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules a namespace spec must keep. {@link #validate} reports every violation with its field
 * path, so that a user fixes a spec in one round trip instead of one per mistake.
 */
public final class NamespaceSpecValidator {
    static final int MAX_OWNER_LENGTH = 128;
    static final int MAX_PRINCIPAL_LENGTH = 256;

    private NamespaceSpecValidator() {}

    /** Every rule {@code spec} breaks, in field order; empty when it is valid. */
    public static List<Violation> validate(NamespaceSpec spec) {
        Checks checks = new Checks();
        NamespaceSpec s = spec.withDefaults();
        checkIdentity(s, checks);
        checkBackend(s.backend(), checks);
        checkDelivery(s.delivery(), checks);
        if (s.backend() != null
                && s.backend().type() == BackendType.SQS
                && s.delivery().ordering() == Ordering.KEY) {
            // A standard SQS queue keeps no order to hold entries back in; promising KEY would lie.
            checks.add(
                    "delivery.ordering",
                    ErrorCode.INVALID_BACKEND,
                    "KEY ordering needs a kafka backend: an SQS queue delivers in no particular order");
        }
        if (s.backend() != null
                && s.backend().type() == BackendType.SQS
                && s.target() != null
                && s.target().regions().size() > 1) {
            // Workers of every region would receive from the one queue and delete what they took:
            // each entry would reach one region, not all.
            checks.add(
                    "target.regions",
                    ErrorCode.INVALID_REGION,
                    "an SQS namespace has one queue, so one region; use a kafka backend (a consumer group per"
                            + " region) or one namespace per region");
        }
        checkRetry(s.retry(), checks);
        TargetSpecValidator.check(s.target(), checks::add);
        checkLimits(s.limits(), checks);
        checkAccess(s.access(), checks);
        return checks.violations;
    }

    private static void checkIdentity(NamespaceSpec s, Checks checks) {
        if (s.name() == null) {
            checks.add("name", ErrorCode.INVALID_NAMESPACE_NAME, "is required");
        } else if (NamespaceSpec.RESERVED_NAMES.contains(s.name())) {
            checks.add(
                    "name",
                    ErrorCode.INVALID_NAMESPACE_NAME,
                    "'" + s.name() + "' is reserved (it is a path of the controller's API)");
        } else if (!NamespaceSpec.NAME.matcher(s.name()).matches()) {
            checks.add(
                    "name",
                    ErrorCode.INVALID_NAMESPACE_NAME,
                    "must be 1 to 64 of a-z, 0-9, '_' and '-', starting with a letter or digit; got '" + s.name()
                            + "'");
        }
        if (!NamespaceSpec.NAME.matcher(s.shard()).matches()) {
            checks.add(
                    "shard",
                    ErrorCode.INVALID_SHARD,
                    "must be 1 to 64 of a-z, 0-9, '_' and '-', starting with a letter or digit; got '" + s.shard()
                            + "'");
        }
        if (s.owner() == null || s.owner().isBlank()) {
            checks.add("owner", ErrorCode.INVALID_OWNER, "is required: the team that owns the namespace");
        } else if (s.owner().length() > MAX_OWNER_LENGTH || hasControlCharacters(s.owner())) {
            checks.add(
                    "owner", ErrorCode.INVALID_OWNER, "must be at most " + MAX_OWNER_LENGTH + " printable characters");
        }
        if (s.state() == NamespaceState.DELETED) {
            checks.add("state", ErrorCode.INVALID_STATE, "must be ACTIVE or PAUSED; delete a namespace with DELETE");
        }
    }

    private static void checkBackend(BackendSpec backend, Checks checks) {
        if (backend == null || backend.type() == null) {
            checks.add("backend.type", ErrorCode.INVALID_BACKEND, "is required: kafka or sqs");
            return;
        }
        if (backend.type() == BackendType.KAFKA) {
            if (backend.partitions() < 1 || backend.partitions() > BackendSpec.MAX_PARTITIONS) {
                checks.add(
                        "backend.partitions",
                        ErrorCode.INVALID_PARTITIONS,
                        "must be between 1 and " + BackendSpec.MAX_PARTITIONS + "; got " + backend.partitions());
            }
        } else if (backend.partitions() != null) {
            checks.add(
                    "backend.partitions",
                    ErrorCode.INVALID_PARTITIONS,
                    "applies to kafka only: an SQS queue has no partitions");
        }
        // A null topic here means the name was invalid too; that is reported once, under "name".
        if (backend.topic() != null && !ResourceNames.isValidLogName(backend.type(), backend.topic())) {
            checks.add(
                    "backend.topic",
                    ErrorCode.INVALID_RESOURCE_NAME,
                    backend.type() == BackendType.KAFKA
                            ? "must be 1 to 200 of a-z, A-Z, 0-9, '.', '_' and '-'"
                            : "must be 1 to 76 of a-z, A-Z, 0-9, '_' and '-'");
        }
    }

    private static void checkDelivery(DeliverySpec delivery, Checks checks) {
        Duration maxDelay = delivery.maxDelay();
        if (maxDelay.isNegative() || maxDelay.compareTo(DeliverySpec.MAX_MAX_DELAY) > 0) {
            checks.add(
                    "delivery.maxDelay",
                    ErrorCode.INVALID_MAX_DELAY,
                    "must be between PT0S and " + DeliverySpec.MAX_MAX_DELAY + "; got " + maxDelay);
        }
    }

    private static void checkRetry(RetryPolicy retry, Checks checks) {
        if (retry.maxAttempts() < 1 || retry.maxAttempts() > RetryPolicy.MAX_MAX_ATTEMPTS) {
            checks.add(
                    "retry.maxAttempts",
                    ErrorCode.INVALID_MAX_ATTEMPTS,
                    "must be between 1 and " + RetryPolicy.MAX_MAX_ATTEMPTS + "; got " + retry.maxAttempts());
        }
        boolean maxOk =
                isPositive(retry.maxBackoff()) && retry.maxBackoff().compareTo(RetryPolicy.MAX_MAX_BACKOFF) <= 0;
        if (!maxOk) {
            checks.add(
                    "retry.maxBackoff",
                    ErrorCode.INVALID_BACKOFF,
                    "must be more than zero and at most " + RetryPolicy.MAX_MAX_BACKOFF + "; got "
                            + retry.maxBackoff());
        }
        if (!isPositive(retry.initialBackoff())) {
            checks.add(
                    "retry.initialBackoff",
                    ErrorCode.INVALID_BACKOFF,
                    "must be more than zero; got " + retry.initialBackoff());
        } else if (maxOk && retry.initialBackoff().compareTo(retry.maxBackoff()) > 0) {
            checks.add(
                    "retry.initialBackoff",
                    ErrorCode.INVALID_BACKOFF,
                    "must not exceed retry.maxBackoff (" + retry.maxBackoff() + "); got " + retry.initialBackoff());
        }
        double multiplier = retry.multiplier();
        if (!(multiplier >= 1.0 && multiplier <= RetryPolicy.MAX_MULTIPLIER)) {
            checks.add(
                    "retry.multiplier",
                    ErrorCode.INVALID_MULTIPLIER,
                    "must be between 1.0 and " + RetryPolicy.MAX_MULTIPLIER + "; got " + multiplier);
        }
        double jitter = retry.jitter();
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            checks.add("retry.jitter", ErrorCode.INVALID_BACKOFF, "must be between 0.0 and 1.0; got " + jitter);
        }
    }

    private static void checkLimits(Limits limits, Checks checks) {
        if (limits.maxPayloadBytes() < 1 || limits.maxPayloadBytes() > Limits.MAX_MAX_PAYLOAD_BYTES) {
            checks.add(
                    "limits.maxPayloadBytes",
                    ErrorCode.INVALID_PAYLOAD_LIMIT,
                    "must be between 1 and " + Limits.MAX_MAX_PAYLOAD_BYTES + "; got " + limits.maxPayloadBytes());
        }
        if (limits.writesPerSecond() < 1 || limits.writesPerSecond() > Limits.MAX_WRITES_PER_SECOND) {
            checks.add(
                    "limits.writesPerSecond",
                    ErrorCode.INVALID_RATE_LIMIT,
                    "must be between 1 and " + Limits.MAX_WRITES_PER_SECOND + "; got " + limits.writesPerSecond());
        }
        Duration window = limits.dedupWindow();
        if (window.isNegative() || window.compareTo(Limits.MAX_DEDUP_WINDOW) > 0) {
            checks.add(
                    "limits.dedupWindow",
                    ErrorCode.INVALID_DEDUP_WINDOW,
                    "must be between PT0S (no dedup) and " + Limits.MAX_DEDUP_WINDOW + "; got " + window);
        }
        if (limits.maxMutationItems() < 1 || limits.maxMutationItems() > Limits.MAX_MAX_MUTATION_ITEMS) {
            checks.add(
                    "limits.maxMutationItems",
                    ErrorCode.INVALID_MUTATION_LIMIT,
                    "must be between 1 and " + Limits.MAX_MAX_MUTATION_ITEMS + "; got " + limits.maxMutationItems());
        }
        if (limits.maxMutationBytes() < 1 || limits.maxMutationBytes() > Limits.MAX_MAX_MUTATION_BYTES) {
            checks.add(
                    "limits.maxMutationBytes",
                    ErrorCode.INVALID_MUTATION_LIMIT,
                    "must be between 1 and " + Limits.MAX_MAX_MUTATION_BYTES + "; got " + limits.maxMutationBytes());
        }
    }

    private static void checkAccess(AccessSpec access, Checks checks) {
        checkPrincipals("access.writers", access.writers(), checks);
        checkPrincipals("access.operators", access.operators(), checks);
    }

    private static void checkPrincipals(String path, List<String> principals, Checks checks) {
        for (int i = 0; i < principals.size(); i++) {
            String field = path + "[" + i + "]";
            AccessSpec.problem(principals.get(i), MAX_PRINCIPAL_LENGTH)
                    .ifPresent(p -> checks.add(field, ErrorCode.INVALID_ACCESS, p));
        }
    }

    private static boolean isPositive(Duration d) {
        return !d.isNegative() && !d.isZero();
    }

    static boolean hasControlCharacters(String s) {
        return s.chars().anyMatch(Character::isISOControl);
    }

    private static final class Checks {
        final List<Violation> violations = new ArrayList<>();

        void add(String field, ErrorCode code, String message) {
            violations.add(new Violation(field, code, message));
        }
    }
}
