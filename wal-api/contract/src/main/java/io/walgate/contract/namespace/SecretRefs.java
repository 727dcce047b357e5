package io.walgate.contract.namespace;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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
        return resolve(text, lookup, Function.identity());
    }

    /**
     * {@code url} with each reference replaced by its value, percent-encoded: a password holding
     * {@code @}, {@code /}, {@code &} or {@code %} stays one password (clients decode the user info
     * and query values they read).
     */
    public static String resolveUrl(String url, Function<String, Optional<String>> lookup) {
        return resolve(
                url, lookup, v -> URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20"));
    }

    private static String resolve(
            String text, Function<String, Optional<String>> lookup, Function<String, String> encode) {
        if (text == null || !text.contains("${")) {
            return text;
        }
        Matcher m = REF.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value = lookup.apply(name)
                    .orElseThrow(() -> new IllegalArgumentException("no secret '" + name + "' on this worker"));
            m.appendReplacement(out, Matcher.quoteReplacement(encode.apply(value)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** {@code region} with the references in its URL resolved (options hold none: {@link #problem}). */
    public static RegionTarget resolve(RegionTarget region, Function<String, Optional<String>> lookup) {
        return new RegionTarget(resolveUrl(region.url(), lookup), region.options());
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
        // Decoded, as clients read them: "default%3Ahunter2" is a user and a password.
        String userInfo = uri.getUserInfo();
        int refsPlaced = 0;
        if (userInfo != null && userInfo.contains(":")) {
            String password = userInfo.substring(userInfo.indexOf(':') + 1);
            if (password.equals(STAND_IN)) {
                refsPlaced++;
            } else if (!password.isEmpty()) {
                return Optional.of(inClear("the password in the user info"));
            }
        }
        String query = uri.getRawQuery();
        if (query != null) {
            for (String parameter : query.split("&")) {
                int eq = parameter.indexOf('=');
                String key =
                        decoded(eq < 0 ? parameter : parameter.substring(0, eq)).toLowerCase(Locale.ROOT);
                String value = eq < 0 ? "" : parameter.substring(eq + 1);
                boolean credential = SECRET_PARAMETERS.contains(key);
                if (credential && value.equals(STAND_IN)) {
                    refsPlaced++;
                } else if (credential && !value.isEmpty()) {
                    return Optional.of(inClear("the query parameter '" + key + "'"));
                }
            }
        }
        // A reference anywhere else (the host, the path, a user name) could carry a secret to a
        // place of the spec's choosing: only credentials may name one.
        if (parseable.split(STAND_IN, -1).length - 1 != refsPlaced) {
            return Optional.of("a secret reference may stand only for the password of the user info or the value of a"
                    + " credential query parameter (" + SECRET_PARAMETERS + ")");
        }
        return Optional.empty();
    }

    private static String decoded(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return raw; // a stray '%': clients read it as it is
        }
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
