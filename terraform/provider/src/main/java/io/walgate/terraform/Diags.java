package io.walgate.terraform;

import io.walgate.terraform.proto.Tfplugin6.AttributePath;
import io.walgate.terraform.proto.Tfplugin6.Diagnostic;
import java.util.ArrayList;
import java.util.List;

/**
 * The diagnostics of one call: what Terraform shows the user, each error with the attribute it is
 * about. User errors are diagnostics, never gRPC errors (which Terraform shows as a plugin crash).
 */
final class Diags {
    private final List<Diagnostic> list = new ArrayList<>();

    List<Diagnostic> list() {
        return list;
    }

    boolean hasErrors() {
        return list.stream().anyMatch(d -> d.getSeverity() == Diagnostic.Severity.ERROR);
    }

    Diags error(String summary, String detail, AttributePath path) {
        return add(Diagnostic.Severity.ERROR, summary, detail, path);
    }

    Diags warning(String summary, String detail, AttributePath path) {
        return add(Diagnostic.Severity.WARNING, summary, detail, path);
    }

    private Diags add(Diagnostic.Severity severity, String summary, String detail, AttributePath path) {
        Diagnostic.Builder d = Diagnostic.newBuilder()
                .setSeverity(severity)
                .setSummary(summary)
                .setDetail(detail);
        if (path != null) {
            d.setAttribute(path);
        }
        list.add(d.build());
        return this;
    }

    /**
     * A refusal of the controller: one error per violation, on the attribute it names (the
     * controller's {@code retry.maxAttempts} is {@code retry.max_attempts}), else one error.
     */
    Diags problem(String doing, ControllerProblem p) {
        if (p.body().path("violations").isArray()
                && !p.body().path("violations").isEmpty()) {
            p.body().path("violations").forEach(v -> {
                String field = v.path("field").asText("");
                String code = v.path("code").asText(p.code());
                error(
                        "Walgate refused the namespace: " + code,
                        attributeName(field) + ": " + v.path("message").asText("") + " (" + code + ")",
                        path(field));
            });
            return this;
        }
        return error("Walgate: " + doing + " failed: " + p.code(), p.getMessage(), null);
    }

    static AttributePath path(String... attributes) {
        AttributePath.Builder b = AttributePath.newBuilder();
        for (String a : attributes) {
            b.addSteps(AttributePath.Step.newBuilder().setAttributeName(a));
        }
        return b.build();
    }

    /**
     * The attribute of the resource a controller field names: {@code target.regions.eu.url} is
     * attribute target, attribute regions, key "eu", attribute url; {@code access.writers[0]}
     * element 0 of writers.
     */
    static AttributePath path(String field) {
        AttributePath.Builder b = AttributePath.newBuilder();
        List<Attr> attributes = Schemas.SPEC;
        boolean keyNext = false;
        for (String segment : field.split("\\.")) {
            if (segment.isEmpty()) {
                continue;
            }
            String name = segment;
            Integer index = null;
            int bracket = segment.indexOf('[');
            if (bracket > 0 && segment.endsWith("]")) {
                name = segment.substring(0, bracket);
                try {
                    index = Integer.valueOf(segment.substring(bracket + 1, segment.length() - 1));
                } catch (NumberFormatException e) {
                    index = null;
                }
            }
            if (keyNext) {
                b.addSteps(AttributePath.Step.newBuilder().setElementKeyString(name));
                keyNext = false;
            } else {
                Attr a = attributes == null ? null : Attr.find(attributes, snake(name));
                b.addSteps(AttributePath.Step.newBuilder().setAttributeName(a == null ? snake(name) : a.name()));
                if (a != null) {
                    keyNext = a.nesting() == Attr.Nesting.MAP || a.plainType() instanceof TfType.MapOf;
                    attributes = a.nested().isEmpty() ? null : a.nested();
                }
            }
            if (index != null) {
                b.addSteps(AttributePath.Step.newBuilder().setElementKeyInt(index));
            }
        }
        return b.build();
    }

    static String attributeName(String field) {
        StringBuilder s = new StringBuilder();
        for (AttributePath.Step step : path(field).getStepsList()) {
            switch (step.getSelectorCase()) {
                case ATTRIBUTE_NAME -> s.append(s.length() == 0 ? "" : ".").append(step.getAttributeName());
                case ELEMENT_KEY_STRING ->
                    s.append("[\"").append(step.getElementKeyString()).append("\"]");
                case ELEMENT_KEY_INT ->
                    s.append('[').append(step.getElementKeyInt()).append(']');
                default -> {}
            }
        }
        return s.toString();
    }

    static String snake(String camel) {
        StringBuilder s = new StringBuilder();
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) {
                s.append('_').append(Character.toLowerCase(c));
            } else {
                s.append(c);
            }
        }
        return s.toString();
    }
}
