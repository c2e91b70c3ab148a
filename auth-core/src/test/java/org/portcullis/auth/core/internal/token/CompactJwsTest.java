package org.portcullis.auth.core.internal.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.SplittableRandom;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The one accepted spelling of a segment: exactly the strings that encoding their decoded bytes
 * again gives back. {@link CompactJws} checks it without encoding again; this compares its answer
 * with the encode-and-compare rule over every last character of segments of every length class.
 */
@DisplayName("compact JWS spelling")
class CompactJwsTest {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    /** base64url of "{}": a header and payload that are strict JSON, so only the signature varies. */
    private static final String EMPTY_OBJECT = "e30";

    @Test
    @DisplayName("a signature segment is accepted exactly when re-encoding its bytes gives it back")
    void acceptsOnlyTheCanonicalSpelling() {
        SplittableRandom random = new SplittableRandom(7);
        for (int length = 1; length <= 40; length++) {
            byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            String canonical = ENCODER.encodeToString(bytes);
            String stem = canonical.substring(0, canonical.length() - 1);
            for (char last : ALPHABET.toCharArray()) {
                String segment = stem + last;
                boolean expected = ENCODER.encodeToString(DECODER.decode(segment)).equals(segment);
                String token = EMPTY_OBJECT + "." + EMPTY_OBJECT + "." + segment;
                if (expected) {
                    assertThat(CompactJws.split(token).signature()).isEqualTo(segment);
                } else {
                    assertThatThrownBy(() -> CompactJws.split(token)).as("length %d, last %s", length, last)
                            .isInstanceOf(CompactJws.Refused.class);
                }
            }
        }
    }

    @Test
    @DisplayName("a segment of a length no encoding has is refused")
    void impossibleLength() {
        assertThatThrownBy(() -> CompactJws.split(EMPTY_OBJECT + "." + EMPTY_OBJECT + ".AAAAA"))
                .isInstanceOf(CompactJws.Refused.class);
        assertThatThrownBy(() -> CompactJws.split(EMPTY_OBJECT + "." + EMPTY_OBJECT + ".A"))
                .isInstanceOf(CompactJws.Refused.class);
    }

    @Test
    @DisplayName("a header that is not valid UTF-8 is refused; valid non-ASCII UTF-8 is read")
    void utf8() {
        String bad = ENCODER.encodeToString(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}'});
        assertThatThrownBy(() -> CompactJws.split(bad + "." + EMPTY_OBJECT + ".AAAA"))
                .isInstanceOf(CompactJws.Refused.class);
        String good = ENCODER.encodeToString("{\"é\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(CompactJws.split(good + "." + EMPTY_OBJECT + ".AAAA").headerNames()).containsExactly("é");
    }
}
