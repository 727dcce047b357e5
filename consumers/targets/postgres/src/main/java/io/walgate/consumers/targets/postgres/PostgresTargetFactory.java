package io.walgate.consumers.targets.postgres;

import io.walgate.consumers.targets.Target;
import io.walgate.consumers.targets.TargetContext;
import io.walgate.consumers.targets.TargetFactory;
import io.walgate.contract.namespace.RegionTarget;
import io.walgate.contract.namespace.TargetType;
import java.net.URI;

/** Makes {@link PostgresTarget}s: {@code postgres://…} or {@code postgresql://…}; option {@code table}. */
public final class PostgresTargetFactory implements TargetFactory {
    @Override
    public TargetType type() {
        return TargetType.POSTGRES;
    }

    @Override
    public Target create(RegionTarget region, TargetContext context) {
        return new PostgresTarget(URI.create(region.url()), region.options().get("table"));
    }
}
