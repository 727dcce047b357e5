package io.walgate.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Namespace files: YAML or JSON, one or several documents (YAML {@code ---}, or a JSON array),
 * {@code -} for stdin. Each document is a namespace spec as the controller takes it.
 */
final class Specs {
    private Specs() {}

    static List<JsonNode> read(String file) {
        List<JsonNode> docs = new ArrayList<>();
        try (InputStream in = file.equals("-") ? System.in : Files.newInputStream(Path.of(file))) {
            // YAML is a superset of JSON: one parser reads both, with multi-document support.
            JsonParser parser = new YAMLFactory().createParser(in);
            MappingIterator<JsonNode> it = Api.JSON.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc == null || doc.isNull() || doc.isMissingNode()) {
                    continue;
                }
                if (doc.isArray()) {
                    doc.forEach(docs::add);
                } else {
                    docs.add(doc);
                }
            }
        } catch (NoSuchFileException e) {
            throw new CliException(CliException.USAGE, "no such file: " + file);
        } catch (IOException | RuntimeException e) {
            throw new CliException(
                    CliException.USAGE, file + " is not valid YAML or JSON: " + Contexts.firstLine(e.getMessage()));
        }
        for (int i = 0; i < docs.size(); i++) {
            JsonNode d = docs.get(i);
            if (!d.isObject()
                    || !d.path("name").isTextual()
                    || d.path("name").asText().isBlank()) {
                throw new CliException(
                        CliException.USAGE,
                        file + ": document " + (i + 1) + " is not a namespace (an object with a 'name')");
            }
        }
        if (docs.isEmpty()) {
            throw new CliException(CliException.USAGE, file + " holds no namespace");
        }
        return docs;
    }
}
