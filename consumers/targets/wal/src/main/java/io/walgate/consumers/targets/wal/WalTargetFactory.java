package io.walgate.consumers.targets.wal;

import io.walgate.consumers.targets.RegionOptions;
import io.walgate.consumers.targets.Target;
import io.walgate.consumers.targets.TargetContext;
import io.walgate.consumers.targets.TargetFactory;
import io.walgate.contract.namespace.RegionTarget;
import io.walgate.contract.namespace.TargetType;
import java.net.URI;
import java.time.Duration;

/** Makes {@link WalTarget}s: Another Walgate's gateway; options {@code namespace}, {@code timeout} (default 10 s). Its
 * requests carry the worker's own token ({@link TargetContext#token}). */
public final class WalTargetFactory implements TargetFactory {
    @Override
    public TargetType type() {
        return TargetType.WAL;
    }

    @Override
    public Target create(RegionTarget region, TargetContext context) {
        return new WalTarget(
                URI.create(region.url()),
                region.options().get("namespace"),
                RegionOptions.duration(region, "timeout", Duration.ofSeconds(10)),
                context.token());
    }
}
