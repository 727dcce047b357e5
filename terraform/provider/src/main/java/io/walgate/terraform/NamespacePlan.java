package io.walgate.terraform;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.walgate.terraform.proto.Tfplugin6.AttributePath;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plan of a {@code walgate_namespace}: what the configuration asks for, with every attribute
 * it leaves out planned as the controller would fill it in.
 *
 * <ol>
 *   <li>The configured spec is checked by the controller itself ({@code POST
 *       /v1/namespaces?dryRun=true}), so an invalid spec fails at {@code terraform plan} with the
 *       controller's code on the attribute it names, and its defaults are known at plan time.
 *   <li>A configured value is planned as written; a left-out one as the controller's default. So a
 *       default is no diff on the next plan, and a value changed outside Terraform (drift) shows as
 *       a change back, whether the configuration sets it or leaves it to the default. A left-out
 *       {@code state} keeps what the namespace is: Terraform never resumes a paused namespace.
 *   <li>Values the controller spells differently ({@code P7D}, {@code PT168H}) are kept as the
 *       state spelled them: no diff for a difference that is none.
 *   <li>{@code name}, {@code backend.type} and {@code backend.topic} cannot change in place:
 *       changing them replaces the namespace. Fewer partitions fail the plan (Kafka cannot take
 *       partitions away).
 *   <li>When the configuration still holds unknown values (from other resources), the controller
 *       is not asked: what it would fill in is unknown until apply, where Terraform plans again
 *       (but for a left-out {@code state} and {@code backend.topic}, which keep what they are).
 * </ol>
 */
final class NamespacePlan {
    /** The planned state (null: destroy), the attributes whose change replaces it, the diagnostics. */
    record Result(Map<String, Object> planned, List<AttributePath> requiresReplace, Diags diags) {}

    private NamespacePlan() {}

    static Result plan(ControllerClient controller, Map<?, ?> prior, Map<?, ?> config) {
        Diags diags = new Diags();
        if (config == null) {
            return new Result(null, List.of(), diags);
        }
        Map<String, Object> normalized = null;
        if (!Unknown.within(specOf(config))) {
            ObjectNode spec = Values.toJson(Schemas.SPEC, config);
            try {
                normalized = Values.fromJson(
                        Schemas.SPEC,
                        controller
                                .send("POST", "/v1/namespaces?dryRun=true", spec, null)
                                .body()
                                .path("spec"));
            } catch (ControllerProblem p) {
                diags.problem("checking the namespace", p);
                return new Result(null, List.of(), diags);
            }
        }
        Map<String, Object> planned = new LinkedHashMap<>();
        planned.put("id", config.get("name"));
        for (Attr a : Schemas.SPEC) {
            planned.put(
                    a.name(),
                    fill(a, config.get(a.name()), get(normalized, a.name()), get(prior, a.name()), normalized != null));
        }
        if (normalized == null && prior != null) {
            keepTopic(prior, config, planned);
        }
        if (config.get("state") == null) {
            planned.put(
                    "state",
                    prior != null ? prior.get("state") : normalized != null ? normalized.get("state") : Unknown.VALUE);
        }
        planned.put("force_destroy", config.get("force_destroy"));
        boolean changed = prior == null || !Values.sameObject(Schemas.SPEC, planned, prior);
        for (Attr a : Schemas.STATUS) {
            planned.put(a.name(), !changed ? prior.get(a.name()) : Unknown.VALUE);
        }
        if (prior != null) {
            planned.put("created_at", prior.get("created_at"));
        }
        List<AttributePath> replace = new ArrayList<>();
        if (prior != null) {
            replaceWhenChanged(replace, prior, planned, "name");
            replaceWhenChanged(replace, prior, planned, "backend", "type");
            replaceWhenChanged(replace, prior, planned, "backend", "topic");
            if (replace.isEmpty()) {
                checkPartitions(diags, prior, planned);
            }
        }
        return new Result(planned, replace, diags);
    }

    /**
     * Unasked, a left-out topic stays what it is while the name and backend type do (the default
     * derives from them): planning it unknown would replace the namespace on every such plan.
     */
    private static void keepTopic(Map<?, ?> prior, Map<?, ?> config, Map<String, Object> planned) {
        Object backend = planned.get("backend");
        Object configuredBackend = config.get("backend");
        if (!(backend instanceof Map<?, ?>)
                || !(configuredBackend instanceof Map<?, ?> cb)
                || cb.get("topic") != null) {
            return;
        }
        boolean sameName = Values.same(Attr.find(Schemas.SPEC, "name"), config.get("name"), prior.get("name"));
        Attr type = Attr.find(Attr.find(Schemas.SPEC, "backend").nested(), "type");
        Object priorTopic = get(get(prior, "backend"), "topic");
        // Only a default topic stays: one set before and now left out becomes the default, a replacement.
        String derived = String.valueOf(cb.get("type")).equalsIgnoreCase("sqs")
                ? "wal-" + prior.get("name")
                : "wal." + prior.get("name");
        if (sameName
                && Values.same(type, cb.get("type"), get(get(prior, "backend"), "type"))
                && derived.equals(priorTopic)) {
            @SuppressWarnings("unchecked")
            Map<String, Object> b = (Map<String, Object>) backend;
            b.put("topic", priorTopic);
        }
    }

    /** The spec's part of a resource value (the attributes the controller stores). */
    static Map<String, Object> specOf(Map<?, ?> value) {
        Map<String, Object> spec = new LinkedHashMap<>();
        Schemas.SPEC.forEach(a -> spec.put(a.name(), value.get(a.name())));
        return spec;
    }

    private static Object fill(Attr a, Object config, Object normalized, Object prior, boolean haveNormalized) {
        if (config == Unknown.VALUE) {
            return Unknown.VALUE;
        }
        if (config != null) {
            return switch (a.nesting()) {
                case SINGLE -> fillObject(a.nested(), (Map<?, ?>) config, normalized, prior, haveNormalized);
                case MAP -> {
                    Map<String, Object> out = new LinkedHashMap<>();
                    ((Map<?, ?>) config)
                            .forEach((k, v) -> out.put(
                                    (String) k,
                                    v == Unknown.VALUE || v == null
                                            ? v
                                            : fillObject(
                                                    a.nested(),
                                                    (Map<?, ?>) v,
                                                    get(normalized, k),
                                                    get(prior, k),
                                                    haveNormalized)));
                    yield out;
                }
                default -> config;
            };
        }
        if (!a.computed()) {
            return null;
        }
        if (haveNormalized) {
            return Values.keepSpelling(a, prior, normalized);
        }
        // Not asked (the configuration holds unknowns): the default, or the prior value when the
        // configuration left it out to get the default, is the controller's to say at apply.
        return Unknown.VALUE;
    }

    private static Map<String, Object> fillObject(
            List<Attr> attributes, Map<?, ?> config, Object normalized, Object prior, boolean haveNormalized) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Attr a : attributes) {
            out.put(
                    a.name(),
                    fill(a, config.get(a.name()), get(normalized, a.name()), get(prior, a.name()), haveNormalized));
        }
        return out;
    }

    private static Object get(Object map, Object key) {
        return map instanceof Map<?, ?> m ? m.get(key) : null;
    }

    private static void replaceWhenChanged(
            List<AttributePath> replace, Map<?, ?> prior, Map<?, ?> planned, String... path) {
        Object before = prior;
        Object after = planned;
        Attr attr = null;
        List<Attr> attributes = Schemas.SPEC;
        for (String step : path) {
            attr = Attr.find(attributes, step);
            attributes = attr.nested();
            before = get(before, step);
            after = after == Unknown.VALUE ? Unknown.VALUE : get(after, step);
        }
        if (after != Unknown.VALUE && after != null && before != null && !Values.same(attr, before, after)) {
            replace.add(Diags.path(path));
        } else if (after == Unknown.VALUE && before != null) {
            replace.add(Diags.path(path));
        }
    }

    private static void checkPartitions(Diags diags, Map<?, ?> prior, Map<?, ?> planned) {
        Object before = get(get(prior, "backend"), "partitions");
        Object after = get(get(planned, "backend"), "partitions");
        if (before == null || after == null || after == Unknown.VALUE) {
            return;
        }
        BigDecimal from = Msgpack.number(before);
        BigDecimal to = Msgpack.number(after);
        if (to.compareTo(from) < 0) {
            diags.error(
                    "Walgate refused the namespace: INVALID_PARTITIONS",
                    "backend.partitions: may only grow, from " + from.toPlainString()
                            + " to at least that; Kafka cannot" + " take partitions away (INVALID_PARTITIONS)",
                    Diags.path("backend", "partitions"));
        }
    }
}
