package org.portcullis.auth.core.internal.token;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The table behind every alphabet check of a token (the first-sight scan in the validator and each
 * segment's check before decoding) admits exactly the base64url characters of RFC 4648 §5, and the
 * dot only where the compact serialisation has one: no other of the 65,536 chars.
 */
@DisplayName("base64url alphabet check")
class Base64UrlAlphabetTest {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    @Test
    @DisplayName("every char: admitted exactly when it is one of the 64 (or the dot, when dots are allowed)")
    void everyChar() {
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            String one = String.valueOf((char) c);
            boolean inAlphabet = ALPHABET.indexOf(c) >= 0;
            assertThat(CompactJws.isBase64Url(one, false)).as("U+%04X", c).isEqualTo(inAlphabet);
            assertThat(CompactJws.isBase64Url(one, true)).as("U+%04X with dots", c).isEqualTo(inAlphabet || c == '.');
        }
    }

    @Test
    @DisplayName("a long string fails on its one foreign character, wherever it is")
    void oneForeignCharacter() {
        String token = ALPHABET.repeat(8) + "." + ALPHABET;
        assertThat(CompactJws.isBase64Url(token, true)).isTrue();
        assertThat(CompactJws.isBase64Url(token, false)).isFalse();
        for (int i = 0; i < token.length(); i += 37) {
            for (char foreign : new char[] {'=', ' ', '+', '/', '\u00e9', (char) (token.charAt(i) + 0x100), '\ud800'}) {
                String altered = token.substring(0, i) + foreign + token.substring(i + 1);
                assertThat(CompactJws.isBase64Url(altered, true)).as("position %d, U+%04X", i, (int) foreign).isFalse();
            }
        }
    }
}
