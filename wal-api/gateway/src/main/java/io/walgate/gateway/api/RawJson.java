package io.walgate.gateway.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.io.IOException;

/**
 * A JSON value exactly as the client wrote it: the {@code json} payload of an entry is stored as
 * its text, byte for byte, not re-serialised (which would turn {@code 1e999999} into {@code
 * "Infinity"} and round high-precision decimals). Read with {@link Entries#parse}, which hands the
 * body's text to the reader as {@link #SOURCE}.
 */
@JsonDeserialize(using = RawJson.Reader.class)
public record RawJson(String text) {
    /** The reader attribute that holds the whole body's text. */
    static final String SOURCE = "walgate.raw-json.source";

    static final class Reader extends JsonDeserializer<RawJson> {
        @Override
        public RawJson deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            Object source = ctxt.getAttribute(SOURCE);
            if (!(source instanceof String body)) {
                // Not read through Entries.parse: the best that can be done is Jackson's own text.
                return new RawJson(ctxt.readTree(p).toString());
            }
            long start = p.currentTokenLocation().getCharOffset();
            if (p.currentToken() == JsonToken.START_OBJECT || p.currentToken() == JsonToken.START_ARRAY) {
                p.skipChildren(); // still parsed (and checked) token by token
            } else {
                p.finishToken();
            }
            long end = p.currentLocation().getCharOffset();
            return new RawJson(body.substring((int) start, (int) end));
        }

        /** {@code "json": null} is the JSON document {@code null}, as any other value. */
        @Override
        public RawJson getNullValue(DeserializationContext ctxt) {
            return new RawJson("null");
        }

        /** An entry without {@code json} has none (Jackson would otherwise ask {@link #getNullValue}). */
        @Override
        public Object getAbsentValue(DeserializationContext ctxt) {
            return null;
        }
    }
}
