package io.walgate.gateway.core;

import io.walgate.contract.Durability;
import io.walgate.contract.ErrorCode;

/**
 * How much the gateway holds at once: writes in flight, and their payload bytes. Counting writes
 * alone let a flood of 15 MiB writes exhaust the heap; each write's payload is held (and copied) until
 * its append is answered. A write that would pass either bound is shed with {@code 503 OVERLOADED}
 * ({@code FALSE}: nothing was sent), except that one write is always let in when nothing else is in
 * flight, so a single write of the largest allowed size is never refused for its size alone.
 * Thread-safe.
 */
final class Admission {
    private final int maxWrites;
    private final long maxBytes;
    private int writes;
    private long bytes;

    Admission(int maxWrites, long maxBytes) {
        this.maxWrites = maxWrites;
        this.maxBytes = maxBytes;
    }

    /** Lets a write of {@code size} payload bytes in, or says why not; {@link #leave} when done. */
    synchronized void enter(long size) {
        if (writes >= maxWrites) {
            throw overloaded("the gateway has " + maxWrites + " writes in flight; retry shortly");
        }
        if (writes > 0 && bytes + size > maxBytes) {
            throw overloaded("the gateway holds " + bytes + " payload bytes in flight (at most " + maxBytes
                    + "); retry shortly");
        }
        writes++;
        bytes += size;
    }

    synchronized void leave(long size) {
        writes--;
        bytes -= size;
    }

    private static WriteFailure overloaded(String message) {
        return new WriteFailure(ErrorCode.OVERLOADED, message, Durability.FALSE, null, 100, null);
    }
}
