package io.walgate.consumers.targets;

import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.TargetOp;
import io.walgate.contract.namespace.TargetOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.SetParams;

/**
 * Cache replication: {@code SET key payload [PX ttl]} for a PUT, {@code DEL key} for a DELETE.
 * Idempotent by nature. The TTL comes from the entry's {@code target.options.ttl}, else the region's
 * {@code options.ttl} (ISO-8601), else none.
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
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        try {
            if (entry.target().op() == TargetOp.DELETE) {
                redis.del(k);
                return Applied.done();
            }
            Duration ttl = ttl(entry);
            if (ttl != null) {
                redis.set(k, entry.payload(), SetParams.setParams().px(ttl.toMillis()));
            } else {
                redis.set(k, entry.payload());
            }
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

    @Override
    public void close() {
        redis.close();
    }
}
