package io.walgate.controller;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.quarkus.jackson.ObjectMapperCustomizer;
import io.walgate.contract.json.StrictJson;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.TargetType;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.Locale;

/**
 * The controller's JSON. Strict as every Walgate API ({@link StrictJson}: one document per body, no
 * duplicate keys, ISO-8601 strings for durations, no scalars coerced to text), and a whole number
 * field refuses a fraction ({@code "partitions": 1.5} is not silently 1). Backend and target types
 * read and print in lower case, as specs are written ({@code type: kafka}); states and modes stay
 * upper case ({@code state: ACTIVE}). Enums are read case-insensitively.
 */
@Singleton
public class JsonCustomizer implements ObjectMapperCustomizer {
    /**
     * Last of all customizers: Jackson prefers the deserializers of the module registered last, and
     * the strict Duration reader must win over the JavaTimeModule's, which takes numbers as seconds.
     */
    @Override
    public int priority() {
        return MINIMUM_PRIORITY;
    }

    @Override
    public void customize(ObjectMapper mapper) {
        StrictJson.configure(mapper);
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        SimpleModule module = new SimpleModule("walgate-types");
        module.addSerializer(BackendType.class, new LowerCase<>());
        module.addSerializer(TargetType.class, new LowerCase<>());
        mapper.registerModule(module);
    }

    private static final class LowerCase<E extends Enum<E>> extends JsonSerializer<E> {
        @Override
        public void serialize(E value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeString(value.name().toLowerCase(Locale.ROOT));
        }
    }
}
