package io.walgate.contract.namespace;

import io.walgate.contract.ErrorCode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rules of a namespace's {@code target}: type, regions, their URLs (no credential in clear:
 * {@link SecretRefs}) and options, and the allow-lists ({@link TargetConfinement}). Part of {@link
 * NamespaceSpecValidator}, which reports what this finds with the rest.
 */
final class TargetSpecValidator {
    static final Pattern REGION = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    /** Where a broken rule is reported: field path, code, message. */
    @FunctionalInterface
    interface Checks {
        void add(String field, ErrorCode code, String message);
    }

    private TargetSpecValidator() {}

    /** Every rule {@code target} breaks, each to {@code checks}. */
    static void check(TargetSpec target, Checks checks) {
        if (target == null || target.type() == null) {
            checks.add(
                    "target.type", ErrorCode.INVALID_TARGET_TYPE, "is required: postgres, redis, http, kafka or wal");
            return;
        }
        if (target.regions().isEmpty()) {
            checks.add("target.regions", ErrorCode.INVALID_REGION, "must name at least one region and its endpoint");
        }
        for (Map.Entry<String, RegionTarget> region : target.regions().entrySet()) {
            String path = "target.regions." + region.getKey();
            if (!REGION.matcher(region.getKey()).matches()) {
                checks.add(
                        path,
                        ErrorCode.INVALID_REGION,
                        "region names are 1 to 32 of a-z, 0-9 and '-', starting with a letter or digit");
            }
            checkUrl(target.type(), region.getValue(), path + ".url", checks);
            checkOptions(target.type(), region.getValue(), path + ".options", checks);
        }
        target.allow().forEach((option, items) -> {
            if (!target.type().confinedOptions().contains(option)) {
                checks.add(
                        "target.allow." + option,
                        ErrorCode.INVALID_TARGET_OPTION,
                        "a " + target.type().name().toLowerCase(Locale.ROOT) + " target confines only "
                                + target.type().confinedOptions());
                return;
            }
            for (int i = 0; i < items.size(); i++) {
                String field = "target.allow." + option + "[" + i + "]";
                TargetConfinement.itemProblem(target.type(), option, items.get(i))
                        .ifPresent(p -> checks.add(field, ErrorCode.INVALID_TARGET_OPTION, p));
            }
        });
    }

    private static void checkOptions(TargetType type, RegionTarget region, String path, Checks checks) {
        if (region == null) {
            return;
        }
        region.options().forEach((name, value) -> {
            if (value != null && value.contains("${")) {
                checks.add(
                        path + "." + name,
                        ErrorCode.INVALID_TARGET_OPTION,
                        "secret references belong in the URL's credentials, not in options");
                return;
            }
            var problem = switch (name) {
                case "ttl" -> TargetOptions.ttlProblem(value);
                case "timeout" -> TargetOptions.timeoutProblem(value);
                case "namespace" ->
                    type != TargetType.WAL
                                    || (value != null
                                            && NamespaceSpec.NAME.matcher(value).matches())
                            ? Optional.<String>empty()
                            : Optional.of("must be a namespace name (" + NamespaceSpec.NAME.pattern() + ")");
                case "path" -> type == TargetType.HTTP ? TargetOptions.pathProblem(value) : Optional.<String>empty();
                case "table" ->
                    type == TargetType.POSTGRES && value != null && TargetConfinement.isReservedTable(value)
                            ? Optional.of("'" + value + "' is one of Walgate's own tables "
                                    + TargetConfinement.RESERVED_TABLES)
                            : Optional.<String>empty();
                case "topic" ->
                    type == TargetType.KAFKA && value != null && TargetConfinement.isReservedTopic(value)
                            ? Optional.of("topics starting with '" + TargetConfinement.RESERVED_TOPIC_PREFIX
                                    + "' are Walgate's own logs; got '" + value + "'")
                            : Optional.<String>empty();
                default -> Optional.<String>empty();
            };
            problem.ifPresent(p -> checks.add(path + "." + name, ErrorCode.INVALID_TARGET_OPTION, p));
        });
    }

    private static void checkUrl(TargetType type, RegionTarget region, String path, Checks checks) {
        String url = region == null ? null : region.url();
        if (url == null || url.isBlank()) {
            checks.add(path, ErrorCode.INVALID_TARGET_URL, "is required");
            return;
        }
        Optional<String> secret = SecretRefs.problem(url);
        if (secret.isPresent()) {
            checks.add(path, ErrorCode.INVALID_TARGET_URL, secret.get());
            return;
        }
        String parseable = SecretRefs.parseable(url);
        String scheme;
        try {
            URI uri = new URI(parseable.startsWith("jdbc:") ? parseable.substring("jdbc:".length()) : parseable);
            scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (uri.getHost() == null) {
                // Not echoed when it has user info: a password in it would be in the answer and logs.
                checks.add(
                        path,
                        ErrorCode.INVALID_TARGET_URL,
                        "must name a host" + (url.contains("@") ? "" : "; got '" + url + "'"));
                return;
            }
        } catch (URISyntaxException e) {
            checks.add(path, ErrorCode.INVALID_TARGET_URL, "is not a URL: " + e.getReason());
            return;
        }
        if (!type.urlSchemes().contains(scheme)) {
            checks.add(
                    path,
                    ErrorCode.INVALID_TARGET_URL,
                    "a " + type.name().toLowerCase(Locale.ROOT) + " target takes " + type.urlSchemes() + " URLs; got '"
                            + scheme + "'");
        }
    }
}
