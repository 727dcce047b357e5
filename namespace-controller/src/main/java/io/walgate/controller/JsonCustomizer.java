package io.walgate.controller;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.quarkus.jackson.ObjectMapperCustomizer;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.TargetType;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.Locale;

/**
 * Backend and target types read and print in lower case, as specs are written ({@code type: kafka});
 * states and modes stay upper case ({@code state: ACTIVE}). Enums are read case-insensitively.
 */
@Singleton
public class JsonCustomizer implements ObjectMapperCustomizer {
    @Override
    public void customize(ObjectMapper mapper) {
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
