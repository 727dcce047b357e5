package io.walgate.consumers.targets;

import io.walgate.contract.namespace.RegionTarget;
import java.time.Duration;
import java.time.format.DateTimeParseException;

/** Reading a region's target options the same way in every {@link TargetFactory}. */
public final class RegionOptions {
    private RegionOptions() {}

    /**
     * The option {@code name} as an ISO-8601 duration, or {@code otherwise} when it is not set.
     *
     * @throws IllegalArgumentException when it is set but no duration
     */
    public static Duration duration(RegionTarget region, String name, Duration otherwise) {
        String value = region.options().get(name);
        if (value == null) {
            return otherwise;
        }
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("option " + name + " is not an ISO-8601 duration: " + value, e);
        }
    }
}
