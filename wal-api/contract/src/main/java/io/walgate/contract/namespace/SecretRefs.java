package io.walgate.contract.namespace;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Target credentials are references, not data: a region's URL names a secret ({@code
 * postgresql://app:${secret:orders-db}@db:5432/shop}) that each worker resolves from its own
 * environment or files, so that no spec, change feed, audit row or {@code walctl get} ever holds
 * the password.
 *
 * <ol>
 *   <li>A reference is {@code ${secret:<name>}}, the name 1 to 64 of {@code a-z 0-9 _ . -}.
 *   <li>The controller refuses a URL with a password in clear (user info, or a query parameter such
 *       as {@code password}) and one with a malformed reference.
 *   <li>Specs stored before this rule are shown with such values masked ({@link #redacted}); the
 *       change feed, which the services need, keeps them.
 * </ol>
 */
public final class SecretRefs {
    /** One reference; group 1 is the secret's name. */
    public static final Pattern REF = Pattern.compile("\\$\\{secret:([a-z0-9][a-z0-9_.-]{0,63})}");

    /** What the mask puts in place of a value in clear. */
    public static final String MASK = "****";

    /** Query parameters whose values are credentials (compared in lower case). */
    static final Set<String> SECRET_PARAMETERS = Set.of(
            "password",
            "passwd",
            "pwd",
            "pass",
            "secret",
            "token",
            "apikey",
            "api_key",
            "api-key",
            "access_token",
            "sslpassword",
            "auth");

    /** Stands for a reference while the URL is parsed: letters only, so every URL grammar takes it. */
    private static final String STAND_IN = "WALGATESECRETREF";

    private SecretRefs() {}

    /**
     * {@code text} with each reference replaced by its value.
     *
     * @param lookup a secret's value by name; empty when there is none
     * @throws IllegalArgumentException naming the first secret {@code lookup} does not have
     */
    public static String resolve(String text, Function<String, Optional<String>> lookup) {
        if (text == null || !text.contains("${")) {
            return text;
        }
        Matcher m = REF.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value = lookup.apply(name)
                    .orElseThrow(() -> new IllegalArgumentException("no secret '" + name + "' on this worker"));
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** {@code region} with every reference in its URL and options resolved. */
    public static RegionTarget resolve(RegionTarget region, Function<String, Optional<String>> lookup) {
        Map<String, String> options = new HashMap<>();
        region.options().forEach((k, v) -> options.put(k, resolve(v, lookup)));
        return new RegionTarget(resolve(region.url(), lookup), options);
    }

    /** {@code url} with references replaced by a stand-in that every URL parser accepts. */
    public static String parseable(String url) {
        return REF.matcher(url).replaceAll(STAND_IN);
    }

    /** What is wrong with {@code url} as far as secrets go; empty when it holds none in clear. */
    static Optional<String> problem(String url) {
        String parseable = parseable(url);
        if (parseable.contains("${")) {
            return Optional.of(
                    "a secret reference is ${secret:<name>}, the name 1 to 64 of a-z, 0-9, '_', '.' and" + " '-'");
        }
        URI uri;
        try {
            uri = new URI(parseable.startsWith("jdbc:") ? parseable.substring("jdbc:".length()) : parseable);
        } catch (URISyntaxException e) {
            return Optional.empty(); // not a URL: checkUrl says so
        }
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && userInfo.contains(":")) {
            String password = userInfo.substring(userInfo.indexOf(':') + 1);
            if (!password.isEmpty() && !password.equals(STAND_IN)) {
                return Optional.of(inClear("the password in the user info"));
            }
        }
        String query = uri.getRawQuery();
        if (query != null) {
            for (String parameter : query.split("&")) {
                int eq = parameter.indexOf('=');
                String key = (eq < 0 ? parameter : parameter.substring(0, eq)).toLowerCase(Locale.ROOT);
                String value = eq < 0 ? "" : parameter.substring(eq + 1);
                if (SECRET_PARAMETERS.contains(key) && !value.isEmpty() && !value.equals(STAND_IN)) {
                    return Optional.of(inClear("the query parameter '" + key + "'"));
                }
            }
        }
        return Optional.empty();
    }

    private static String inClear(String what) {
        return what + " is a credential in clear: name a secret instead, e.g. ${secret:orders-db}, which each"
                + " worker resolves from WALGATE_SECRET_ORDERS_DB or its secrets folder (docs/security.md)";
    }

    /** {@code url} with any credential in clear masked; references are kept. */
    public static String redact(String url) {
        if (url == null || problem(url).isEmpty()) {
            return url;
        }
        String out = url.replaceFirst("(://[^/@:?#]*):(?!\\$\\{secret:)[^@/?#]*@", "$1:" + MASK + "@");
        StringBuilder query = new StringBuilder();
        Matcher m = Pattern.compile("([?&])([^=&#]+)=([^&#]*)").matcher(out);
        while (m.find()) {
            boolean secret = SECRET_PARAMETERS.contains(m.group(2).toLowerCase(Locale.ROOT))
                    && !REF.matcher(m.group(3)).matches();
            m.appendReplacement(
                    query, Matcher.quoteReplacement(m.group(1) + m.group(2) + "=" + (secret ? MASK : m.group(3))));
        }
        m.appendTail(query);
        // A form the patterns above do not take apart is masked whole rather than shown.
        String masked = query.toString();
        return problem(masked.replace(MASK, "${secret:masked}")).isEmpty() ? masked : MASK;
    }

    /** {@code spec} with every region's URL {@linkplain #redact redacted}. */
    public static NamespaceSpec redacted(NamespaceSpec spec) {
        if (spec.target() == null) {
            return spec;
        }
        Map<String, RegionTarget> regions = new HashMap<>();
        spec.target()
                .regions()
                .forEach((name, region) -> regions.put(
                        name, region == null ? null : new RegionTarget(redact(region.url()), region.options())));
        return spec.withTarget(
                new TargetSpec(spec.target().type(), regions, spec.target().allow()));
    }
}
