package io.walgate.gateway.api;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import io.walgate.contract.json.StrictJson;
import io.walgate.contract.namespace.Limits;
import jakarta.inject.Singleton;

/**
 * The gateway's JSON: strict as every Walgate API ({@link StrictJson}), and able to hold the largest
 * payload a namespace may allow ({@link Limits#MAX_MAX_PAYLOAD_BYTES}) as base64 in one string;
 * Jackson's default of 20 M characters refused payloads above about 15 MB.
 */
@Singleton
public class JsonCustomizer implements ObjectMapperCustomizer {
    /** Base64 of the largest payload, with room: 4 characters for every 3 bytes. */
    static final int MAX_STRING_LENGTH = (Limits.MAX_MAX_PAYLOAD_BYTES / 3 + 1) * 4 + 1024;

    /** Last: the strict Duration reader must win over the JavaTimeModule's (numbers as seconds). */
    @Override
    public int priority() {
        return MINIMUM_PRIORITY;
    }

    @Override
    public void customize(ObjectMapper mapper) {
        StrictJson.configure(mapper);
        mapper.getFactory()
                .setStreamReadConstraints(StreamReadConstraints.builder()
                        .maxStringLength(MAX_STRING_LENGTH)
                        .build());
    }
}
