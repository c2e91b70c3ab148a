package org.portcullis.auth.core.internal.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.core.internal.token.AccessTokens;

/**
 * The token cache's key carries the proof that a hit is for exactly the string verified: the hit
 * path hashes without checking characters, so the encoding under the hash must keep every string
 * that is not an admitted token away from that token's key.
 */
@DisplayName("token cache key")
class TokenCacheKeyTest {

    /** A compact-JWS-shaped string using every character of the alphabet. */
    private static final String TOKEN = "eyJhbGciOiJFZERTQSJ9.ABCDEFGHIJKLMNOPQRSTUVWXYZ-abcdefghijklmnopqrstuvwxyz_0123456789"
            + ".c2lnbmF0dXJl";

    private final Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private final TokenCache cache = new TokenCache(100, Duration.ofSeconds(30), Clock.fixed(now, ZoneOffset.UTC));
    private final AccessTokens.Verified verified = new AccessTokens.Verified(new AuthPrincipal("u1", "alice", Set.of(),
            "s1", "j1", now, now.plusSeconds(600), Map.of()), now, "k1");

    @Test
    @DisplayName("the same text in another String object hits")
    void sameText() {
        cache.put(TOKEN, verified);
        TokenCache.Entry hit = cache.get(new String(TOKEN.toCharArray()), now);
        assertThat(hit).isNotNull();
        assertThat(hit.principal).isEqualTo(verified.principal());
        assertThat(hit.verified()).isEqualTo(verified);
    }

    @Test
    @DisplayName("no one-character change hits: not an ASCII swap, not '?', not Latin-1, not a lone surrogate, "
            + "not a character whose low byte is the original")
    void oneCharacterChanges() {
        cache.put(TOKEN, verified);
        for (int i = 0; i < TOKEN.length(); i++) {
            char original = TOKEN.charAt(i);
            // '?' is what ISO-8859-1 encoding writes for a character past Latin-1; 0xE9 is é;
            // original + 0x100 has the original's low byte (a truncating encoder would collide).
            List<Character> replacements = List.of(original == 'A' ? 'B' : 'A', '?', '\u00e9', '\ud800', '\udc00',
                    (char) (original + 0x100), '\u0000', original == '.' ? '_' : '.');
            for (char r : replacements) {
                String altered = TOKEN.substring(0, i) + r + TOKEN.substring(i + 1);
                assertThat(cache.get(altered, now)).as("position %d, U+%04X", i, (int) r).isNull();
            }
        }
    }

    @Test
    @DisplayName("a prefix, a suffix or an inserted character never hits")
    void lengthChanges() {
        cache.put(TOKEN, verified);
        assertThat(cache.get(TOKEN.substring(1), now)).isNull();
        assertThat(cache.get(TOKEN.substring(0, TOKEN.length() - 1), now)).isNull();
        assertThat(cache.get(TOKEN + "\ud800", now)).isNull();
        assertThat(cache.get("\u00e9" + TOKEN, now)).isNull();
        assertThat(cache.get(TOKEN + "=", now)).isNull();
    }

    @Test
    @DisplayName("an entry past its expiry plus skew is not answered")
    void expiredEntryMisses() {
        cache.put(TOKEN, verified);
        assertThat(cache.get(TOKEN, now.plusSeconds(629))).isNotNull();
        assertThat(cache.get(TOKEN, now.plusSeconds(630))).isNull();
    }

    @Test
    @DisplayName("the cache never holds more than its bound, and keeps the entry just put")
    void bounded() {
        TokenCache small = new TokenCache(8, Duration.ofSeconds(30), Clock.fixed(now, ZoneOffset.UTC));
        for (int i = 0; i < 100; i++) {
            String token = TOKEN + i;
            small.put(token, verified);
            assertThat(small.get(token, now)).as("token %d", i).isNotNull();
            assertThat(small.size()).isLessThanOrEqualTo(8);
        }
        assertThat(small.size()).isEqualTo(8);
        small.remove(TOKEN + 99);
        assertThat(small.get(TOKEN + 99, now)).isNull();
        assertThat(small.size()).isEqualTo(7);
        small.clear();
        assertThat(small.size()).isZero();
    }

    @Test
    @DisplayName("the same claims and signature behind another header, or with the first dot moved, never hit")
    void headerIsPartOfTheMatch() {
        cache.put(TOKEN, verified);
        int dot = TOKEN.indexOf('.');
        String rest = TOKEN.substring(dot);
        assertThat(cache.get("eyJhbGciOiJIUzI1NiJ9" + rest, now)).isNull();
        assertThat(cache.get(TOKEN.substring(0, dot - 1) + rest, now)).isNull();
        assertThat(cache.get(TOKEN.substring(0, dot) + "A" + rest, now)).isNull();
        assertThat(cache.get(rest, now)).isNull();
        assertThat(cache.get(rest.substring(1), now)).isNull();
        // Swap the character before the first dot with the dot: same characters, another split.
        String swapped = TOKEN.substring(0, dot - 1) + "." + TOKEN.charAt(dot - 1) + TOKEN.substring(dot + 1);
        assertThat(cache.get(swapped, now)).isNull();
        String swappedAfter = TOKEN.substring(0, dot) + TOKEN.charAt(dot + 1) + "." + TOKEN.substring(dot + 2);
        assertThat(cache.get(swappedAfter, now)).isNull();
        assertThat(cache.get(TOKEN.replace('.', '_'), now)).isNull();
        assertThat(cache.get(TOKEN, now)).isNotNull();
    }
}
