package org.portcullis.auth.http.contract;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Inputs the fuzz tests of every server leg share: text meant to break what stores it, and a JSON
 * writer that can carry any of it. Stateless.
 */
public final class FuzzInputs {

    private FuzzInputs() {
    }

    /**
     * Any text, as a JSON string member would carry it: every UTF-16 unit including control
     * characters, NUL and lone surrogates, line separators, other scripts, and lengths past every
     * limit and column size.
     */
    public static Arbitrary<String> text() {
        Arbitrary<String> any = Arbitraries.strings().all().ofMaxLength(300);
        Arbitrary<String> controls = Arbitraries.strings().withCharRange('\u0000', '\u001f')
                .withChars('\ud800', '\udfff', 'a', '\u2028').ofMaxLength(40);
        Arbitrary<String> overlong = Arbitraries.integers().between(250, 5000).map("x"::repeat);
        return Arbitraries.oneOf(any, controls, overlong, Arbitraries.of("alice", "", " "));
    }

    /**
     * A JSON object of string members, written by hand: a JSON library refuses to encode a lone
     * surrogate, but a client may send its escape, and so does this (backslash-u, then D800).
     */
    public static byte[] jsonObject(Map<String, String> members) {
        StringBuilder b = new StringBuilder("{");
        members.forEach((name, value) -> {
            if (b.length() > 1) {
                b.append(',');
            }
            b.append(jsonString(name)).append(':').append(jsonString(value));
        });
        return b.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String jsonString(String v) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\' || Character.isSurrogate(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
