package io.walgate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Prints results: aligned tables for people, JSON or YAML for scripts. */
final class Output {
    private final Global.Format format;
    private final PrintStream out = System.out;

    Output(Global.Format format) {
        this.format = format == null ? Global.Format.table : format;
    }

    boolean isTable() {
        return format == Global.Format.table;
    }

    /** Prints {@code data} as JSON or YAML; in table mode prints the table instead. */
    void print(JsonNode data, List<String> headers, List<List<String>> rows) {
        switch (format) {
            case json -> out.println(json(data));
            case yaml -> out.print(yaml(data));
            case table -> table(headers, rows);
        }
    }

    void table(List<String> headers, List<List<String>> rows) {
        int[] widths = new int[headers.size()];
        List<List<String>> all = new ArrayList<>();
        all.add(headers);
        all.addAll(rows);
        for (List<String> row : all) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], String.valueOf(row.get(i)).length());
            }
        }
        for (List<String> row : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                String cell = String.valueOf(row.get(i));
                line.append(cell);
                if (i < row.size() - 1) {
                    line.append(" ".repeat(widths[i] - cell.length() + 3));
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }

    static String json(JsonNode data) {
        try {
            return Api.JSON.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String yaml(JsonNode data) {
        try {
            return Contexts.YAML.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String text(JsonNode node) {
        return node == null || node.isMissingNode() || node.isNull() ? "-" : node.asText();
    }
}
