package io.walgate.consumers.targets.http;

import io.walgate.consumers.targets.RegionOptions;
import io.walgate.consumers.targets.Target;
import io.walgate.consumers.targets.TargetContext;
import io.walgate.consumers.targets.TargetFactory;
import io.walgate.contract.namespace.RegionTarget;
import io.walgate.contract.namespace.TargetType;
import java.net.URI;
import java.time.Duration;

/** Makes {@link HttpTarget}s: {@code http(s)://…}; option {@code timeout} (default 10 s). */
public final class HttpTargetFactory implements TargetFactory {
    @Override
    public TargetType type() {
        return TargetType.HTTP;
    }

    @Override
    public Target create(RegionTarget region, TargetContext context) {
        return new HttpTarget(
                URI.create(region.url()), RegionOptions.duration(region, "timeout", Duration.ofSeconds(10)));
    }
}
