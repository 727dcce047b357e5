package io.walgate.controller;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.walgate.adapter.spi.LogResource;
import io.walgate.contract.namespace.NamespaceSpec;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.util.List;

/** Specs and resource lists as the JSON text they are stored as. */
@ApplicationScoped
public class SpecCodec {
    private static final TypeReference<List<LogResource>> RESOURCES = new TypeReference<>() {};

    private final ObjectMapper json;

    SpecCodec(ObjectMapper json) {
        this.json = json;
    }

    public String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public NamespaceSpec spec(String text) {
        try {
            return json.readValue(text, NamespaceSpec.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("a stored spec no longer parses", e);
        }
    }

    public List<LogResource> resources(String text) {
        if (text == null) {
            return List.of();
        }
        try {
            return json.readValue(text, RESOURCES);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("stored resources no longer parse", e);
        }
    }
}
