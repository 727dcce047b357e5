package io.walgate.cli;

/**
 * A failure that ends the command with one line on stderr and a documented exit code. The message
 * names the problem and, where there is one, what to do about it.
 */
final class CliException extends RuntimeException {
    // Exit codes; docs/cli.md lists them, scripts rely on them.
    static final int USAGE = 1;
    static final int NOT_FOUND = 2;
    static final int CONFLICT = 3;
    static final int AUTH = 4;
    static final int UNAVAILABLE = 5;
    static final int INVALID = 6;
    static final int NOT_DURABLE = 7;
    static final int JOB_FAILED = 8;

    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
