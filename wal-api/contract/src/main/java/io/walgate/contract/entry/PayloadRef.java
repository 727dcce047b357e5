package io.walgate.contract.entry;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A claim check: the payload of an entry too large for its log is stored aside, under the entry's
 * id, and the envelope on the log carries this reference instead of the bytes.
 *
 * @param store where the payload is: {@value #POSTGRES} (table {@code payloads} of the gateway's
 *     database, keyed by entry id)
 * @param size the payload's length in bytes
 * @param sha256 the payload's SHA-256, checked by the reader before it applies the entry
 */
public record PayloadRef(String store, int size, byte[] sha256) {
    public static final String POSTGRES = "postgres";

    public PayloadRef {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(sha256, "sha256");
        if (size < 0) {
            throw new IllegalArgumentException("size " + size);
        }
        sha256 = sha256.clone();
    }

    @Override
    public byte[] sha256() {
        return sha256.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PayloadRef other
                && store.equals(other.store)
                && size == other.size
                && Arrays.equals(sha256, other.sha256);
    }

    @Override
    public int hashCode() {
        return Objects.hash(store, size, Arrays.hashCode(sha256));
    }

    @Override
    public String toString() {
        return "PayloadRef[" + store + ", " + size + " bytes, sha256="
                + HexFormat.of().formatHex(sha256) + "]";
    }
}
