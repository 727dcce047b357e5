package io.walgate.contract.namespace;

import java.util.List;

/**
 * Who may do what with a namespace. Entries are OIDC client ids or role names.
 *
 * @param writers may write entries
 * @param operators may inspect and replay dead letters, pause and resume
 */
public record AccessSpec(List<String> writers, List<String> operators) {
    public AccessSpec {
        writers = writers == null ? List.of() : List.copyOf(writers);
        operators = operators == null ? List.of() : List.copyOf(operators);
    }

    public static AccessSpec none() {
        return new AccessSpec(List.of(), List.of());
    }
}
