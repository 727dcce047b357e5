package io.walgate.consumers.targets.kafka;

import io.walgate.consumers.targets.Target;
import io.walgate.consumers.targets.TargetContext;
import io.walgate.consumers.targets.TargetFactory;
import io.walgate.contract.namespace.RegionTarget;
import io.walgate.contract.namespace.TargetType;
import java.net.URI;

/** Makes {@link KafkaTarget}s: {@code kafka://host:port,…}; option {@code topic}. */
public final class KafkaTargetFactory implements TargetFactory {
    @Override
    public TargetType type() {
        return TargetType.KAFKA;
    }

    @Override
    public Target create(RegionTarget region, TargetContext context) {
        return new KafkaTarget(URI.create(region.url()), region.options().get("topic"), context.walgateTopic());
    }
}
