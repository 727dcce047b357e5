package io.walgate.consumers.targets.redis;

import io.walgate.consumers.targets.TargetContract;
import io.walgate.consumers.targets.TargetFactory;
import io.walgate.contract.entry.Envelope;
import io.walgate.contract.entry.TargetOp;
import io.walgate.contract.namespace.RegionTarget;
import io.walgate.devstack.DevstackExtension;
import io.walgate.devstack.RedisServer;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.RedisClient;

@ExtendWith(DevstackExtension.class)
class RedisTargetIT extends TargetContract {
    private static RedisServer redis;
    private static RedisClient client;

    @BeforeAll
    static void connect(RedisServer server) {
        redis = server;
        client = RedisClient.create(URI.create(redis.endpoint()));
    }

    @AfterAll
    static void close() {
        client.close();
    }

    @Override
    protected TargetFactory factory() {
        return new RedisTargetFactory();
    }

    @Override
    protected RegionTarget region() {
        return new RegionTarget(redis.endpoint(), null);
    }

    @Override
    protected RegionTarget unreachableRegion() {
        return new RegionTarget("redis://127.0.0.1:1", null);
    }

    @Override
    protected boolean keepsTheNewestWrite() {
        return true;
    }

    @Override
    protected Optional<Envelope> refusedForGood(String key) {
        return Optional.of(write(key, "v", TargetOp.PUT, null, Map.of("ttl", "forever")));
    }

    @Override
    protected Optional<String> readBack(String key) {
        return Optional.ofNullable(client.get(key));
    }
}
