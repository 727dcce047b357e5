package io.walgate.consumers.targets.redis;

import io.walgate.consumers.targets.RegionOptions;
import io.walgate.consumers.targets.Target;
import io.walgate.consumers.targets.TargetContext;
import io.walgate.consumers.targets.TargetFactory;
import io.walgate.contract.namespace.RegionTarget;
import io.walgate.contract.namespace.TargetType;
import java.net.URI;

/** Makes {@link RedisTarget}s: {@code redis://…}; option {@code ttl}. */
public final class RedisTargetFactory implements TargetFactory {
    @Override
    public TargetType type() {
        return TargetType.REDIS;
    }

    @Override
    public Target create(RegionTarget region, TargetContext context) {
        return new RedisTarget(URI.create(region.url()), RegionOptions.duration(region, "ttl", null));
    }
}
