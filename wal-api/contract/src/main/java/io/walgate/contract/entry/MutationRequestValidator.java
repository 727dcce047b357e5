package io.walgate.contract.entry;

import io.walgate.contract.ErrorCode;
import io.walgate.contract.Violation;
import io.walgate.contract.namespace.Limits;
import io.walgate.contract.namespace.NamespaceSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules a mutation must keep against its namespace: the mutation's own fields, its size, and
 * every item by the rules of a single write ({@link WriteRequestValidator}, with its field paths
 * under {@code items[i]}). Reports every violation at once, up to {@link #MAX_REPORTED}.
 */
public final class MutationRequestValidator {
    /** A mutation of 100 000 bad items gets the first this many of its violations, not all. */
    public static final int MAX_REPORTED = 100;

    private MutationRequestValidator() {}

    /** @param namespace the namespace's spec, with its defaults filled in */
    public static List<Violation> validate(MutationRequest request, NamespaceSpec namespace, Instant now) {
        List<Violation> violations = new ArrayList<>();
        Limits limits = namespace.limits();
        if (request.items().isEmpty()) {
            violations.add(new Violation("items", ErrorCode.EMPTY_MUTATION, "a mutation needs at least one item"));
            return violations;
        }
        if (request.items().size() > limits.maxMutationItems()) {
            violations.add(new Violation(
                    "items",
                    ErrorCode.MUTATION_TOO_LARGE,
                    request.items().size() + " items exceed the namespace's maxMutationItems of "
                            + limits.maxMutationItems()));
            return violations; // not worth judging each of them
        }
        long bytes = request.payloadBytes();
        if (bytes > limits.maxMutationBytes()) {
            violations.add(new Violation(
                    "items",
                    ErrorCode.MUTATION_TOO_LARGE,
                    bytes + " payload bytes exceed the namespace's maxMutationBytes of " + limits.maxMutationBytes()));
            return violations;
        }
        WriteRequestValidator.checkLifecycle(
                request.lifecycle(), namespace.delivery().maxDelay(), now, violations);
        WriteRequestValidator.checkIdempotencyKey(request.idempotencyKey(), violations);
        WriteRequestValidator.checkHeaders(request.headers(), violations);
        for (int i = 0; i < request.items().size() && violations.size() < MAX_REPORTED; i++) {
            String prefix = "items[" + i + "].";
            for (Violation v : WriteRequestValidator.validate(item(request, i), namespace, now)) {
                violations.add(new Violation(prefix + v.field(), v.code(), v.message()));
            }
        }
        return violations.size() > MAX_REPORTED ? violations.subList(0, MAX_REPORTED) : violations;
    }

    /**
     * Item {@code i} as the single write it is applied as: the mutation's namespace, its headers
     * under the item's own, no lifecycle or idempotency key of its own.
     */
    public static WriteRequest item(MutationRequest request, int i) {
        WriteRequest item = request.items().get(i);
        Map<String, String> headers = request.headers();
        if (!item.headers().isEmpty()) {
            headers = new HashMap<>(request.headers());
            headers.putAll(item.headers());
        }
        return new WriteRequest(
                request.namespace(),
                Lifecycle.immediate(),
                item.payload(),
                item.target(),
                item.partitionKey(),
                null,
                headers,
                item.contentType());
    }
}
