package io.walgate.gateway.core;

import io.walgate.contract.entry.MutationRequest;
import io.walgate.contract.entry.WriteRequest;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.TreeMap;

/**
 * A SHA-256 of what a write asks for, to tell a true repeat from a different request that reuses
 * its idempotency key. Covers payload, keys, target, content type, headers and the requested
 * lifecycle (not the instants derived from it at accept time).
 */
final class Fingerprint {
    private Fingerprint() {}

    static byte[] of(WriteRequest r) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + r.payload().length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(r.payload().length);
            out.write(r.payload());
            string(out, r.partitionKey());
            string(out, r.contentType());
            string(out, r.target().key());
            string(out, r.target().op() == null ? null : r.target().op().name());
            map(out, r.target().options());
            map(out, r.headers());
            string(out, String.valueOf(r.lifecycle().delay()));
            string(out, String.valueOf(r.lifecycle().deliverAt()));
            string(out, String.valueOf(r.lifecycle().jitter()));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory streams do not fail
        }
        return sha256(bytes.toByteArray());
    }

    /** A mutation's: each item's, in order, and the mutation's own headers and lifecycle. */
    static byte[] of(MutationRequest m) {
        ByteArrayOutputStream bytes =
                new ByteArrayOutputStream(64 + 32 * m.items().size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(m.items().size());
            for (WriteRequest item : m.items()) {
                out.write(of(item));
            }
            map(out, m.headers());
            string(out, String.valueOf(m.lifecycle().delay()));
            string(out, String.valueOf(m.lifecycle().deliverAt()));
            string(out, String.valueOf(m.lifecycle().jitter()));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory streams do not fail
        }
        return sha256(bytes.toByteArray());
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            out.writeInt(utf8.length);
            out.write(utf8);
        }
    }

    private static void map(DataOutputStream out, Map<String, String> m) throws IOException {
        Map<String, String> sorted = m == null ? Map.of() : new TreeMap<>(m);
        out.writeInt(sorted.size());
        for (var e : sorted.entrySet()) {
            string(out, e.getKey());
            string(out, e.getValue());
        }
    }
}
