package org.portcullis.auth.core.internal.token;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A validating reader for the JOSE header and the claims set: accepts exactly RFC 8259 JSON
 * whose top level is an object, refuses a member name repeated in any object (RFC 7515 §4 and
 * RFC 7519 §4 let a parser refuse duplicates, and we do, at every depth, comparing names after
 * unescaping), and refuses escapes of lone surrogates (RFC 7493 §2.1). It builds the values it
 * accepts ({@link #parseObject}): objects as insertion-ordered maps, arrays as lists, strings, {@code
 * Boolean}, {@code null}, and numbers as {@code Long} when they are integers that fit, else
 * {@code Double}; a token's header and claims are read from these values and from nothing else.
 *
 * <p>Stateless and thread-safe. Recursion is bounded by {@link #MAX_DEPTH}.
 */
final class StrictJson {

    /** Deeper nesting than any header or claims set of ours needs; bounds the recursion. */
    static final int MAX_DEPTH = 16;

    /** The text is not acceptable JSON for a token; the message names the rule, never the text. */
    static final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Malformed(String rule) {
            super(rule, null, false, false);
        }
    }

    private final String s;
    private int i;

    private StrictJson(String s) {
        this.s = s;
    }

    /**
     * @return the member names of the top-level object, unescaped
     * @throws Malformed unless {@code text} is one JSON object, RFC 8259 exactly, without
     *                   duplicate member names at any depth
     */
    static Set<String> objectMemberNames(String text) {
        return parseObject(text).keySet();
    }

    /**
     * @return the top-level object, members in their order; values as the class comment says
     * @throws Malformed unless {@code text} is one JSON object, RFC 8259 exactly, without
     *                   duplicate member names at any depth
     */
    static Map<String, Object> parseObject(String text) {
        StrictJson r = new StrictJson(text);
        r.ws();
        if (r.peek() != '{') {
            throw new Malformed("top level is not an object");
        }
        Map<String, Object> members = r.object(1);
        r.ws();
        if (r.i != text.length()) {
            throw new Malformed("text after the object");
        }
        return members;
    }

    private char peek() {
        return i < s.length() ? s.charAt(i) : '\uFFFF';
    }

    private char next() {
        if (i >= s.length()) {
            throw new Malformed("unexpected end");
        }
        return s.charAt(i++);
    }

    private void expect(char c) {
        if (next() != c) {
            throw new Malformed("expected '" + c + "'");
        }
    }

    // RFC 8259 §2: ws = *( %x20 / %x09 / %x0A / %x0D )
    private void ws() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            i++;
        }
    }

    private Object value(int depth) {
        char c = peek();
        return switch (c) {
            case '{' -> object(depth + 1);
            case '[' -> array(depth + 1);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> number();
        };
    }

    private Map<String, Object> object(int depth) {
        if (depth > MAX_DEPTH) {
            throw new Malformed("nested too deep");
        }
        expect('{');
        Map<String, Object> names = new LinkedHashMap<>();
        ws();
        if (peek() == '}') {
            i++;
            return names;
        }
        while (true) {
            ws();
            if (peek() != '"') {
                throw new Malformed("member name is not a string");
            }
            String name = string();
            if (names.containsKey(name)) {
                throw new Malformed("duplicate member name");
            }
            ws();
            expect(':');
            ws();
            names.put(name, value(depth));
            ws();
            char c = next();
            if (c == '}') {
                return names;
            }
            if (c != ',') {
                throw new Malformed("expected ',' or '}'");
            }
        }
    }

    private List<Object> array(int depth) {
        if (depth > MAX_DEPTH) {
            throw new Malformed("nested too deep");
        }
        expect('[');
        List<Object> items = new ArrayList<>();
        ws();
        if (peek() == ']') {
            i++;
            return items;
        }
        while (true) {
            ws();
            items.add(value(depth));
            ws();
            char c = next();
            if (c == ']') {
                return items;
            }
            if (c != ',') {
                throw new Malformed("expected ',' or ']'");
            }
        }
    }

    private Object literal(String word, Object meaning) {
        if (!s.startsWith(word, i)) {
            throw new Malformed("unknown literal");
        }
        i += word.length();
        return meaning;
    }

    // RFC 8259 §6: number = [ minus ] int [ frac ] [ exp ]
    private Object number() {
        int start = i;
        boolean integer = true;
        if (peek() == '-') {
            i++;
        }
        if (peek() == '0') {
            i++;
        } else if (isDigit(peek())) {
            digits();
        } else {
            throw new Malformed("not a value");
        }
        if (peek() == '.') {
            integer = false;
            i++;
            if (!isDigit(peek())) {
                throw new Malformed("fraction without digits");
            }
            digits();
        }
        if (peek() == 'e' || peek() == 'E') {
            integer = false;
            i++;
            if (peek() == '+' || peek() == '-') {
                i++;
            }
            if (!isDigit(peek())) {
                throw new Malformed("exponent without digits");
            }
            digits();
        }
        if (i == start) {
            throw new Malformed("not a value");
        }
        String text = s.substring(start, i);
        if (integer) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException tooLong) {
                // an integer beyond a long: kept as a double, as the JOSE library did
            }
        }
        return Double.parseDouble(text);
    }

    private void digits() {
        while (isDigit(peek())) {
            i++;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    // RFC 8259 §7; the decoded value is built so that escaped and plain spellings of one name compare equal.
    private String string() {
        expect('"');
        // Most strings have no escape: take them as they stand, without a builder.
        for (int j = i; j < s.length(); j++) {
            char c = s.charAt(j);
            if (c == '"') {
                String plain = s.substring(i, j);
                i = j + 1;
                return plain;
            }
            if (c == '\\' || c < 0x20) {
                break;
            }
        }
        StringBuilder out = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw new Malformed("control character in a string");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    char u = hex4();
                    if (Character.isHighSurrogate(u)) {
                        // RFC 7493 §2.1: a surrogate is only acceptable as half of an escaped pair.
                        if (next() != '\\' || next() != 'u') {
                            throw new Malformed("lone surrogate");
                        }
                        char low = hex4();
                        if (!Character.isLowSurrogate(low)) {
                            throw new Malformed("lone surrogate");
                        }
                        out.append(u).append(low);
                    } else if (Character.isLowSurrogate(u)) {
                        throw new Malformed("lone surrogate");
                    } else {
                        out.append(u);
                    }
                }
                default -> throw new Malformed("unknown escape");
            }
        }
    }

    private char hex4() {
        int v = 0;
        for (int k = 0; k < 4; k++) {
            char c = next();
            // ASCII hex only: Character.digit would also take other scripts' digits.
            int d = c <= 'f' ? Character.digit(c, 16) : -1;
            if (d < 0) {
                throw new Malformed("bad \\u escape");
            }
            v = v * 16 + d;
        }
        return (char) v;
    }
}
