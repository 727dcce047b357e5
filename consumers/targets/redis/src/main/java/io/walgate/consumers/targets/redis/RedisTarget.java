package io.walgate.consumers.targets.redis;

import io.walgate.consumers.targets.Target;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.TargetOp;
import io.walgate.contract.namespace.TargetOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Cache replication: {@code SET key payload [PX ttl]} for a PUT, {@code DEL key} for a DELETE.
 * Idempotent by nature. The TTL comes from the entry's {@code target.options.ttl}, else the region's
 * {@code options.ttl} (ISO-8601), else none.
 *
 * <p>Last writer wins, by write order ({@link Envelope#version()}): a Lua script compares the
 * entry's version with the one kept beside the key ({@code <key>:walgate-version}) and changes
 * nothing for an older write, so an earlier entry arriving late (an UNKNOWN write repeated, a retry)
 * never overwrites a newer value, nor brings back a deleted one. The version key lives as long as
 * the value (at least {@link #TOMBSTONE_TTL}), and after a DELETE for {@link #TOMBSTONE_TTL}: one
 * small extra key per key, the price of the guarantee.
 */
final class RedisTarget implements Target {
    private final RedisClient redis;
    private final Duration defaultTtl;

    RedisTarget(URI url, Duration defaultTtl) {
        this.redis = RedisClient.create(url);
        this.defaultTtl = defaultTtl;
    }

    @Override
    public Applied apply(Envelope entry) {
        String key = entry.effectiveKey();
        if (key == null || key.isEmpty()) {
            return Applied.permanent("NO_KEY", "a redis target applies by key and the entry has none");
        }
        try {
            boolean delete = entry.target().op() == TargetOp.DELETE;
            Duration ttl = delete ? null : ttl(entry);
            redis.eval(
                    APPLY_IF_NEWER,
                    List.of(utf8(key), utf8(key + VERSION_SUFFIX)),
                    List.of(
                            utf8(entry.version()),
                            utf8(delete ? "DEL" : "SET"),
                            delete ? new byte[0] : entry.payload(),
                            utf8(Long.toString(ttl == null ? 0 : ttl.toMillis())),
                            utf8(Long.toString(TOMBSTONE_TTL.toMillis()))));
            return Applied.done();
        } catch (JedisConnectionException e) {
            return Applied.retry("REDIS_UNREACHABLE", String.valueOf(e.getMessage()));
        } catch (JedisDataException e) {
            // OOM, READONLY replica, LOADING: all may pass.
            return Applied.retry("REDIS_ERROR", String.valueOf(e.getMessage()));
        } catch (BadTtl e) {
            return Applied.permanent("BAD_TTL", e.getMessage());
        }
    }

    /** The gateway checks the range; an entry logged before it did is refused here, not thrown. */
    private Duration ttl(Envelope entry) {
        String own = entry.target().options().get("ttl");
        if (own == null) {
            return defaultTtl;
        }
        TargetOptions.ttlProblem(own).ifPresent(problem -> {
            throw new BadTtl("target.options.ttl " + problem);
        });
        return Duration.parse(own);
    }

    private static final class BadTtl extends RuntimeException {
        BadTtl(String message) {
            super(message, null, false, false);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The key beside each key that holds the version of the write it holds. */
    static final String VERSION_SUFFIX = ":walgate-version";

    /** How long a DELETE (or a version of a value with a shorter TTL) is remembered. */
    static final Duration TOMBSTONE_TTL = Duration.ofDays(30);

    /**
     * KEYS: the key, its version key. ARGV: version, SET or DEL, payload, TTL in ms (0: none),
     * tombstone TTL in ms. Versions compare as strings: {@link Envelope#version()} sorts as write order.
     */
    private static final byte[] APPLY_IF_NEWER = utf8("""
            local current = redis.call('GET', KEYS[2])
            if current and current >= ARGV[1] then return 0 end
            local ttl = tonumber(ARGV[4])
            local keep = tonumber(ARGV[5])
            if ARGV[2] == 'DEL' then
              redis.call('DEL', KEYS[1])
              redis.call('SET', KEYS[2], ARGV[1], 'PX', keep)
            elseif ttl > 0 then
              redis.call('SET', KEYS[1], ARGV[3], 'PX', ttl)
              redis.call('SET', KEYS[2], ARGV[1], 'PX', math.max(ttl, keep))
            else
              redis.call('SET', KEYS[1], ARGV[3])
              redis.call('SET', KEYS[2], ARGV[1])
            end
            return 1
            """);

    @Override
    public void close() {
        redis.close();
    }
}
