package org.portcullis.auth.http.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The JSON layer of the HTTP endpoints, on Jackson's streaming core only.
 *
 * <p>Reading is strict, because request bodies come from anyone: the bytes must be valid UTF-8
 * (RFC 8259 §8.1), the document must be one object with nothing after it, a member name may
 * appear once (RFC 8259 §4 leaves duplicates to the implementation; accepting them lets two
 * parsers disagree about what a request said), nesting and string lengths are bounded. Members
 * the endpoint does not know are skipped. Error messages never echo the input.
 *
 * <p>Thread-safe: the factory is immutable once built.
 */
public final class Json {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(32)
                    .maxStringLength(1 << 20)
                    .maxNumberLength(64)
                    .build())
            .build();

    private Json() {
    }

    /** Why a request body was refused; the message is safe to show to the client. */
    public static final class MalformedJsonException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedJsonException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Reads a JSON object and returns the string values of the members named in {@code wanted}.
     * A wanted member whose value is {@code null} counts as absent; any other non-string value
     * is refused.
     *
     * @throws MalformedJsonException when the bytes are not UTF-8, not one JSON object, contain a
     *         duplicate member name, or give a wanted member a non-string value
     */
    public static Map<String, String> readStringMembers(byte[] body, Set<String> wanted) throws MalformedJsonException {
        String text = decodeUtf8(body);
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
            text = text.substring(1); // RFC 8259 §8.1: a parser may ignore a byte order mark
        }
        Map<String, String> found = new HashMap<>();
        try (JsonParser parser = FACTORY.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedJsonException("The request body must be a JSON object.");
            }
            for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (wanted.contains(name)) {
                    if (value == JsonToken.VALUE_STRING) {
                        found.put(name, parser.getText());
                    } else if (value != JsonToken.VALUE_NULL) {
                        throw new MalformedJsonException("The member '" + name + "' must be a string.");
                    }
                } else {
                    parser.skipChildren();
                }
            }
            if (parser.nextToken() != null) {
                throw new MalformedJsonException("The request body has content after the JSON object.");
            }
            return found;
        } catch (StreamConstraintsException e) {
            throw new MalformedJsonException("The request body exceeds a JSON nesting or length limit.");
        } catch (JsonProcessingException e) {
            String m = String.valueOf(e.getOriginalMessage());
            if (m.startsWith("Duplicate field") || m.startsWith("Duplicate Object property")) {
                throw new MalformedJsonException("The request body names a member more than once.");
            }
            throw new MalformedJsonException("The request body is not valid JSON.");
        } catch (IOException e) {
            // Reading from a String cannot fail with I/O; treat anything else as bad syntax.
            throw new MalformedJsonException("The request body is not valid JSON.");
        }
    }

    private static String decodeUtf8(byte[] body) throws MalformedJsonException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MalformedJsonException("The request body is not valid UTF-8.");
        }
    }

    /**
     * Writes a value as UTF-8 JSON. Supported: {@code null}, {@link String}, {@link Boolean},
     * integral {@link Number}s, {@link Instant} (ISO-8601 UTC text, whole seconds), {@link Map} with string keys
     * (in iteration order) and {@link Collection}.
     *
     * @throws IllegalArgumentException for any other type
     */
    public static byte[] write(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            writeValue(g, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // not reachable with an in-memory stream
        }
        return out.toByteArray();
    }

    private static void writeValue(JsonGenerator g, Object value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof String s) {
            g.writeString(s);
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            g.writeNumber(((Number) value).longValue());
        } else if (value instanceof Instant i) {
            // Whole seconds, as in the tokens themselves; rounding an expiry down is the safe direction.
            g.writeString(i.truncatedTo(ChronoUnit.SECONDS).toString());
        } else if (value instanceof Enum<?> e) {
            g.writeString(e.name());
        } else if (value instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName((String) e.getKey());
                writeValue(g, e.getValue());
            }
            g.writeEndObject();
        } else if (value instanceof Collection<?> c) {
            g.writeStartArray();
            for (Object o : c) {
                writeValue(g, o);
            }
            g.writeEndArray();
        } else {
            throw new IllegalArgumentException("no JSON form for " + value.getClass().getName());
        }
    }
}
