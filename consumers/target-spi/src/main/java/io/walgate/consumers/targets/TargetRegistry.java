package io.walgate.consumers.targets;

import io.walgate.contract.namespace.RegionTarget;
import io.walgate.contract.namespace.SecretRefs;
import io.walgate.contract.namespace.TargetType;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.regex.Matcher;

/**
 * Every {@link TargetFactory} on the class path, one per {@link TargetType}: adding a target is a
 * module with its factory and one {@code META-INF/services} line, and this finds it.
 */
public final class TargetRegistry implements AutoCloseable {
    private final Map<TargetType, TargetFactory> factories;
    private final WorkerSecrets secrets;

    TargetRegistry(Iterable<TargetFactory> found, WorkerSecrets secrets) {
        this.secrets = secrets;
        Map<TargetType, TargetFactory> byType = new EnumMap<>(TargetType.class);
        for (TargetFactory factory : found) {
            TargetFactory other = byType.putIfAbsent(factory.type(), factory);
            if (other != null) {
                throw new IllegalStateException("two factories for target type " + factory.type() + ": "
                        + other.getClass().getName() + " and "
                        + factory.getClass().getName());
            }
        }
        List<TargetType> missing = new ArrayList<>();
        for (TargetType type : TargetType.values()) {
            if (!byType.containsKey(type)) {
                missing.add(type);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("no target factory on the class path for " + missing
                    + " (a module of consumers/targets missing from the worker?)");
        }
        this.factories = byType;
    }

    /**
     * The factories {@link ServiceLoader} finds.
     *
     * @throws IllegalStateException when a target type has no factory, or two
     */
    public static TargetRegistry load() {
        return load(WorkerSecrets.fromEnvironment());
    }

    /** The factories {@link ServiceLoader} finds, with secret references resolved from {@code secrets}. */
    public static TargetRegistry load(WorkerSecrets secrets) {
        return new TargetRegistry(
                ServiceLoader.load(TargetFactory.class, TargetFactory.class.getClassLoader()), secrets);
    }

    /**
     * A target for {@code region} of a namespace of type {@code type}, with the secrets its URL and
     * options name ({@code ${secret:…}}) resolved first.
     *
     * @throws IllegalArgumentException when the region's URL or an option is not one the target
     *     takes, or names a secret this worker does not have (the message says where to put it)
     */
    public Target create(TargetType type, RegionTarget region, TargetContext context) {
        RegionTarget resolved;
        try {
            resolved = SecretRefs.resolve(region, secrets);
        } catch (IllegalArgumentException e) {
            Matcher name = SecretRefs.REF.matcher(region.url() + " " + region.options());
            String hint = "";
            while (name.find()) {
                if (secrets.apply(name.group(1)).isEmpty()) {
                    hint = ": " + secrets.whereTo(name.group(1));
                    break;
                }
            }
            throw new IllegalArgumentException(e.getMessage() + hint, e);
        }
        try {
            return factories.get(type).create(resolved, context);
        } catch (RuntimeException e) {
            // Its message may quote the URL as resolved: it is told with the references instead.
            throw new IllegalArgumentException("cannot make a " + type.name().toLowerCase(Locale.ROOT) + " target for "
                    + region.url() + ": " + masked(String.valueOf(e.getMessage()), region.url(), resolved.url()));
        }
    }

    /** {@code message} with the URL as written, and no value of a secret it names, raw or encoded. */
    private String masked(String message, String url, String resolved) {
        String out = message.replace(resolved, url);
        Matcher ref = SecretRefs.REF.matcher(url);
        while (ref.find()) {
            String name = ref.group(1);
            for (String value :
                    secrets.apply(name).filter(v -> !v.isEmpty()).stream().toList()) {
                out = out.replace(SecretRefs.resolveUrl(ref.group(), n -> Optional.of(value)), SecretRefs.MASK)
                        .replace(value, SecretRefs.MASK);
            }
        }
        return out;
    }

    /** Closes every factory, and with them the clients their targets share. */
    @Override
    public void close() {
        factories.values().forEach(TargetFactory::close);
    }
}
