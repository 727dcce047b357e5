package io.walgate.contract.namespace;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps an entry inside its namespace: the options that choose where an entry goes ({@link
 * TargetType#confinedOptions()}) may name only what the namespace's admin granted.
 *
 * <ol>
 *   <li>An entry may give a confined option a value that a region of its namespace uses itself, or
 *       one that {@code target.allow} lists: exactly, or by a prefix ending in {@code *}. Nothing
 *       else: without an allow-list, entries keep to their regions' own table, topic, namespace and
 *       path.
 *   <li>A Kafka target never produces to a topic whose name starts with {@value #RESERVED_TOPIC_PREFIX}
 *       (Walgate's own logs, dead-letter and delay topics): an entry crafted there would be applied
 *       as another namespace's, past that namespace's writers. Neither a region nor an allow-list
 *       may name one, and the gateway also refuses a topic that any namespace's log owns. A
 *       PostgreSQL target never writes Walgate's own tables ({@link #RESERVED_TABLES}).
 *   <li>The gateway checks this before an entry id is issued ({@code 403 TARGET_NOT_ALLOWED}); the
 *       worker checks it again with the spec it delivers under, so that an entry accepted before the
 *       admin narrowed the list is dead-lettered, not applied.
 * </ol>
 */
public final class TargetConfinement {
    /** The prefix of every Kafka topic Walgate names itself. */
    public static final String RESERVED_TOPIC_PREFIX = "wal.";
    /**
     * The tables a PostgreSQL target keeps its own bookkeeping in, shared by every namespace of a
     * database: an entry written into them would forget which entries were applied, or bring deleted
     * rows back, for all of those namespaces.
     */
    public static final Set<String> RESERVED_TABLES = Set.of("walgate_applied_entries", "walgate_tombstones");

    /** The suffix that turns an allow-list item into a prefix. */
    public static final String WILDCARD = "*";

    static final int MAX_ITEM_LENGTH = 255;

    private TargetConfinement() {}

    /**
     * Why an entry of a namespace with {@code target} may not give {@code option} the value {@code
     * value}; empty when it may (or the option chooses nothing and is not confined).
     */
    public static Optional<String> problem(TargetSpec target, String option, String value) {
        if (target == null
                || target.type() == null
                || !target.type().confinedOptions().contains(option)) {
            return Optional.empty();
        }
        if (value == null) {
            return Optional.of("a value is required");
        }
        if (target.type() == TargetType.KAFKA && isReservedTopic(value)) {
            return Optional.of("topics starting with '" + RESERVED_TOPIC_PREFIX + "' are Walgate's own logs");
        }
        if (target.type() == TargetType.POSTGRES && isReservedTable(value)) {
            return Optional.of("the tables " + RESERVED_TABLES + " are Walgate's own bookkeeping");
        }
        String given = normal(option, value);
        for (RegionTarget region : target.regions().values()) {
            String own = region == null ? null : region.options().get(option);
            if (own != null && given.equals(normal(option, own))) {
                return Optional.empty();
            }
        }
        List<String> allowed = target.allow().getOrDefault(option, List.of());
        for (String item : allowed) {
            if (matches(option, item, given)) {
                return Optional.empty();
            }
        }
        return Optional.of("'" + value + "' is not granted by the namespace's target.allow." + option
                + (allowed.isEmpty() ? " (none: entries keep to the region's own " + option + ")" : " " + allowed));
    }

    /**
     * As {@link #problem(TargetSpec, String, String)} for an entry of {@code namespace}, where a
     * region that does not set the option has its target's own default, which an entry may spell
     * out: PostgreSQL's table {@value #DEFAULT_TABLE}, a {@code wal} target's remote namespace of
     * the same name, an HTTP target's empty path.
     */
    public static Optional<String> problem(NamespaceSpec namespace, String option, String value) {
        TargetSpec target = namespace.target();
        if (target != null && target.type() != null && value != null) {
            String implicit = switch (target.type()) {
                case POSTGRES -> option.equals("table") ? DEFAULT_TABLE : null;
                case WAL -> option.equals("namespace") ? namespace.name() : null;
                case HTTP -> option.equals("path") ? "" : null;
                default -> null;
            };
            boolean someRegionUsesIt = implicit != null
                    && normal(option, value).equals(implicit)
                    && target.regions().values().stream()
                            .anyMatch(r -> r != null && !r.options().containsKey(option));
            if (someRegionUsesIt && !(target.type() == TargetType.POSTGRES && isReservedTable(value))) {
                return Optional.empty();
            }
        }
        return problem(target, option, value);
    }

    /** The table of a PostgreSQL target whose region names none. */
    public static final String DEFAULT_TABLE = "walgate_entries";

    /** The first problem of any of {@code options} (an entry's target override); empty when none. */
    public static Optional<String> problem(NamespaceSpec namespace, Map<String, String> options) {
        for (Map.Entry<String, String> option : options.entrySet()) {
            Optional<String> problem = problem(namespace, option.getKey(), option.getValue());
            if (problem.isPresent()) {
                return Optional.of("target.options." + option.getKey() + ": " + problem.get());
            }
        }
        return Optional.empty();
    }

    /** Whether {@code table} (perhaps schema-qualified, perhaps quoted) is one of {@link #RESERVED_TABLES}. */
    public static boolean isReservedTable(String table) {
        String last = table.substring(table.lastIndexOf('.') + 1).replace("\"", "");
        return RESERVED_TABLES.contains(last.toLowerCase(Locale.ROOT));
    }

    /** Whether {@code topic} is in the space of names Walgate keeps for its own topics. */
    public static boolean isReservedTopic(String topic) {
        return topic.toLowerCase(Locale.ROOT).startsWith(RESERVED_TOPIC_PREFIX);
    }

    /**
     * What is wrong with {@code item} as an allow-list entry for {@code option} of a {@code type}
     * target; empty when it is fine.
     */
    static Optional<String> itemProblem(TargetType type, String option, String item) {
        Set<String> confined = type.confinedOptions();
        if (!confined.contains(option)) {
            return Optional.of("a " + type.name().toLowerCase(Locale.ROOT) + " target confines only " + confined);
        }
        if (item == null
                || item.isEmpty()
                || item.length() > MAX_ITEM_LENGTH
                || item.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            return Optional.of("items are 1 to " + MAX_ITEM_LENGTH + " characters without spaces; got '" + item + "'");
        }
        String prefix = item.endsWith(WILDCARD) ? item.substring(0, item.length() - 1) : item;
        if (prefix.contains(WILDCARD)) {
            return Optional.of("'*' may only end an item (a prefix); got '" + item + "'");
        }
        if (type == TargetType.KAFKA) {
            String lower = prefix.toLowerCase(Locale.ROOT);
            boolean overlaps = item.endsWith(WILDCARD)
                    ? lower.startsWith(RESERVED_TOPIC_PREFIX) || RESERVED_TOPIC_PREFIX.startsWith(lower)
                    : isReservedTopic(lower);
            if (overlaps) {
                return Optional.of("'" + item + "' would grant topics starting with '" + RESERVED_TOPIC_PREFIX
                        + "', which are Walgate's own logs");
            }
        }
        if (type == TargetType.POSTGRES && !item.endsWith(WILDCARD) && isReservedTable(item)) {
            return Optional.of("'" + item + "' is one of Walgate's own tables " + RESERVED_TABLES);
        }
        if (option.equals("path")) {
            return TargetOptions.pathProblem(prefix);
        }
        return Optional.empty();
    }

    private static boolean matches(String option, String item, String given) {
        if (item == null) {
            return false;
        }
        return item.endsWith(WILDCARD)
                ? given.startsWith(normalPrefix(option, item.substring(0, item.length() - 1)))
                : normal(option, item).equals(given);
    }

    /** A path is the same with or without slashes around it (the HTTP target joins segments). */
    private static String normal(String option, String value) {
        return option.equals("path") ? value.replaceAll("^/+|/+$", "") : value;
    }

    /** A path prefix keeps its trailing slash: {@code orders/*} grants {@code orders/x}, not {@code orders-x}. */
    private static String normalPrefix(String option, String prefix) {
        return option.equals("path") ? prefix.replaceAll("^/+", "") : prefix;
    }
}
