package io.walgate.contract;

import java.util.List;
import java.util.Objects;

/**
 * The one exception that travels up from Walgate's cores to the protocol edges. It carries a
 * stable {@link ErrorCode}, whether the entry may have been written, and, for validation
 * failures, every {@link Violation} found (not only the first).
 *
 * <p>Exactly one mapper per protocol turns it into a response; nothing inspects its message.
 */
public class WalException extends RuntimeException {
    private final ErrorCode code;
    private final Durability durability;
    private final List<Violation> violations;

    public WalException(ErrorCode code, String message) {
        this(code, message, Durability.FALSE, List.of(), null);
    }

    public WalException(ErrorCode code, String message, Durability durability) {
        this(code, message, durability, List.of(), null);
    }

    public WalException(ErrorCode code, String message, Durability durability, Throwable cause) {
        this(code, message, durability, List.of(), cause);
    }

    private WalException(
            ErrorCode code, String message, Durability durability, List<Violation> violations, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.durability = Objects.requireNonNull(durability, "durability");
        this.violations = List.copyOf(violations);
    }

    /**
     * A validation failure: the code and message are the first violation's, all of them are kept.
     *
     * @throws IllegalArgumentException if {@code violations} is empty
     */
    public static WalException invalid(List<Violation> violations) {
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("a validation failure needs at least one violation");
        }
        Violation first = violations.get(0);
        String message =
                violations.size() == 1 ? first.toString() : first + " and " + (violations.size() - 1) + " more";
        return new WalException(first.code(), message, Durability.FALSE, violations, null);
    }

    public ErrorCode code() {
        return code;
    }

    /** Whether the entry the failed call was about may be in the log. */
    public Durability durability() {
        return durability;
    }

    public List<Violation> violations() {
        return violations;
    }
}
