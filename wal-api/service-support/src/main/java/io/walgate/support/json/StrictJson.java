package io.walgate.support.json;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * JSON as every Walgate REST API reads it: strictly. What a client sends is either meant exactly or
 * refused, never rewritten.
 *
 * <ol>
 *   <li>One document per body: trailing content (a second object, garbage) is refused.
 *   <li>No duplicate keys in an object: which one wins is not a question a body may leave open.
 *   <li>Durations and instants only as ISO-8601 strings ({@code "PT30S"}, {@code "2026-12-02T10:00:00Z"}).
 *       A number such as {@code 1e400} would otherwise be read as seconds and silently become zero.
 *   <li>A string field takes a string: numbers and booleans are not turned into text.
 *   <li>{@code null} is not a value inside a map ({@code headers}, {@code options}).
 *   <li>Bodies are UTF-8, checked byte by byte ({@link #utf8}): invalid sequences are refused, not
 *       replaced by U+FFFD.
 * </ol>
 *
 * Every refusal is a Jackson exception that {@link JsonBodyErrors} turns into a code and a field.
 */
public final class StrictJson {
    private StrictJson() {}

    /** Makes {@code mapper} strict; returns it. */
    public static ObjectMapper configure(ObjectMapper mapper) {
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        // A whole-number field refuses a fraction ("partitions": 1.5 is not silently 1).
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        for (CoercionInputShape shape :
                List.of(CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean)) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        mapper.configOverride(Map.class).setSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL));
        SimpleModule module = new SimpleModule("walgate-strict-time");
        module.addDeserializer(Duration.class, new IsoDuration());
        module.addDeserializer(Instant.class, new IsoInstant());
        mapper.registerModule(module);
        return mapper;
    }

    /**
     * The text of a UTF-8 body.
     *
     * @throws InvalidUtf8Exception when the bytes are not valid UTF-8
     */
    public static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidUtf8Exception("the body is not valid UTF-8: " + e.getMessage());
        }
    }

    /** A body that is not valid UTF-8. */
    public static final class InvalidUtf8Exception extends IllegalArgumentException {
        InvalidUtf8Exception(String message) {
            super(message);
        }
    }

    private static final class IsoDuration extends JsonDeserializer<Duration> {
        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String text = text(p, Duration.class);
            try {
                return Duration.parse(text);
            } catch (DateTimeException e) {
                throw InvalidFormatException.from(
                        p, "not an ISO-8601 duration such as PT30S: " + text, text, Duration.class);
            }
        }
    }

    private static final class IsoInstant extends JsonDeserializer<Instant> {
        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String text = text(p, Instant.class);
            try {
                return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                        .toInstant();
            } catch (DateTimeException e) {
                throw InvalidFormatException.from(
                        p, "not an ISO-8601 instant such as 2026-12-02T10:00:00Z: " + text, text, Instant.class);
            }
        }
    }

    private static String text(JsonParser p, Class<?> type) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw InvalidFormatException.from(
                    p, "must be an ISO-8601 string, not " + p.currentToken(), p.getText(), type);
        }
        return p.getText();
    }
}
