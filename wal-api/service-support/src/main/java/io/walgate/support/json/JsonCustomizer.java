package io.walgate.support.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.quarkus.jackson.ObjectMapperCustomizer;
import io.walgate.contract.namespace.BackendType;
import io.walgate.contract.namespace.Limits;
import io.walgate.contract.namespace.TargetSpec;
import io.walgate.contract.namespace.TargetType;
import io.walgate.support.http.RestService;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON of every Walgate REST API, applied to Quarkus' mapper in a service that declares a
 * {@link RestService} (the worker, which only reads the controller's feed and a token endpoint,
 * keeps Quarkus' defaults).
 *
 * <ol>
 *   <li>Strict ({@link StrictJson}): one document per body, no duplicate keys, ISO-8601 strings for
 *       durations and instants, no scalars coerced to text, no fraction in a whole number.
 *   <li>A string may hold the largest payload a namespace may allow ({@link Limits#MAX_MAX_PAYLOAD_BYTES})
 *       as base64: Jackson's default of 20 M characters refused payloads above about 15 MB. The body
 *       limit of each service still bounds what is read.
 *   <li>Backend and target types print in lower case, as specs are written ({@code type: kafka});
 *       states and modes stay upper case ({@code state: ACTIVE}).
 *   <li>A target without allow-lists prints no {@code allow}: specs read back as they were written,
 *       and a service from before {@code allow} existed still reads the change feed.
 * </ol>
 */
@Singleton
public class JsonCustomizer implements ObjectMapperCustomizer {
    /** Base64 of the largest payload, with room: 4 characters for every 3 bytes. */
    public static final int MAX_STRING_LENGTH = (Limits.MAX_MAX_PAYLOAD_BYTES / 3 + 1) * 4 + 1024;

    @Inject
    Instance<RestService> services;

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
        if (services.isResolvable()) {
            restApi(mapper);
        }
    }

    /** Makes {@code mapper} read and write JSON as every Walgate REST API does; returns it. */
    public static ObjectMapper restApi(ObjectMapper mapper) {
        StrictJson.configure(mapper);
        mapper.getFactory()
                .setStreamReadConstraints(StreamReadConstraints.builder()
                        .maxStringLength(MAX_STRING_LENGTH)
                        .build());
        SimpleModule module = new SimpleModule("walgate-types");
        module.addSerializer(BackendType.class, new LowerCase<>());
        module.addSerializer(TargetType.class, new LowerCase<>());
        mapper.registerModule(module);
        mapper.addMixIn(TargetSpec.class, TargetSpecJson.class);
        return mapper;
    }

    /** How {@link TargetSpec} prints: see the class comment. */
    private interface TargetSpecJson {
        @JsonInclude(JsonInclude.Include.NON_EMPTY)
        Map<String, List<String>> allow();
    }

    private static final class LowerCase<E extends Enum<E>> extends JsonSerializer<E> {
        @Override
        public void serialize(E value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeString(value.name().toLowerCase(Locale.ROOT));
        }
    }
}
