package io.walgate.adapter.spi;

/**
 * The backend could not be brought to match a namespace.
 *
 * <p>{@link #retryable()} tells a passing fault (the broker is down, a timeout) from one that
 * retrying will not mend until the spec changes (Kafka cannot shrink a topic's partitions). The
 * message is written for an operator: it names the resource and what is wrong.
 */
public class ProvisioningException extends RuntimeException {
    private final boolean retryable;

    public ProvisioningException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public ProvisioningException(String message, boolean retryable) {
        this(message, retryable, null);
    }

    public boolean retryable() {
        return retryable;
    }
}
