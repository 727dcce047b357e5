package io.walgate.devstack;

/** A server could not be prepared, started or stopped. The message says which and what to do. */
public class DevstackException extends RuntimeException {
    public DevstackException(String message) {
        super(message);
    }

    public DevstackException(String message, Throwable cause) {
        super(message, cause);
    }
}
