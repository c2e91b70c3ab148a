package org.portcullis.auth.core.internal.validate;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import org.portcullis.auth.core.internal.Digests;
import org.portcullis.auth.core.internal.Tickers;
import org.portcullis.auth.core.internal.token.AccessTokens;

/**
 * Tokens this node has verified, so that a repeat validation skips the signature check. Keyed
 * by the SHA-256 of the token, not the token: the cache holds no bearer secret, and a lookup's
 * timing says nothing about a token's characters. An entry leaves when its token expires (plus
 * skew), by the injected clock. Thread-safe.
 *
 * <p>Why a hit is for exactly the string that was verified, although a lookup hashes the string
 * without first checking its characters (that scan cost as much as the hash on a long RS256
 * token): the key is SHA-256 over the string's ISO-8859-1 bytes, and only verified tokens are
 * put, which are in the compact JWS alphabet ({@code A-Z a-z 0-9 - _ .}, RFC 7515 §7.1), all ASCII:
 * {@link Validator} refuses any other character before verifying.
 * Encoding maps each of those characters to its own byte, every other Latin-1 character to a byte
 * of 0x80 or above, and every character past Latin-1 to {@code '?'}: neither kind of byte occurs in
 * an admitted token. So a string whose bytes equal an admitted token's bytes consists of the same
 * ASCII characters, one byte each: it is that token. Two different strings then share a key only
 * through a SHA-256 collision.
 */
final class TokenCache {

    /** The 32 digest bytes as four longs: a compact key with a cheap {@code equals}. */
    private record Key(long a, long b, long c, long d) {
        static Key of(byte[] digest) {
            return new Key(longAt(digest, 0), longAt(digest, 8), longAt(digest, 16), longAt(digest, 24));
        }

        private static long longAt(byte[] b, int off) {
            long v = 0;
            for (int i = off; i < off + 8; i++) {
                v = (v << 8) | (b[i] & 0xFF);
            }
            return v;
        }
    }

    private final Cache<Key, AccessTokens.Verified> cache;

    TokenCache(long maxSize, Duration skew, Clock clock) {
        long skewNanos = skew.toNanos();
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxSize)
                // Upkeep on the calling thread, amortised over calls: the default hands it to the
                // common pool, waking a thread per write (a refresh paid that several times).
                .executor(Runnable::run)
                .ticker(Tickers.of(clock))
                .expireAfter(new Expiry<Key, AccessTokens.Verified>() {
                    @Override
                    public long expireAfterCreate(Key key, AccessTokens.Verified v, long currentTime) {
                        long expSeconds = v.principal().expiresAt().getEpochSecond();
                        // Saturate rather than overflow for an exp past the year 2262.
                        long exp = expSeconds > Long.MAX_VALUE / 1_000_000_000L - 1_000 ? Long.MAX_VALUE
                                : expSeconds * 1_000_000_000L + skewNanos;
                        return Math.max(0, exp - currentTime);
                    }

                    @Override
                    public long expireAfterUpdate(Key key, AccessTokens.Verified v, long currentTime, long currentDuration) {
                        return expireAfterCreate(key, v, currentTime);
                    }

                    @Override
                    public long expireAfterRead(Key key, AccessTokens.Verified v, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
    }

    /** The cache key of any string; see the class comment for why it needs no character check. */
    Object keyOf(String token) {
        return Key.of(Digests.sha256(token.getBytes(StandardCharsets.ISO_8859_1)));
    }

    AccessTokens.Verified get(Object key) {
        return cache.getIfPresent((Key) key);
    }

    /** Admits a token that {@link Validator} verified (so, in the compact JWS alphabet). */
    void put(Object key, AccessTokens.Verified v) {
        cache.put((Key) key, v);
    }

    void remove(Object key) {
        cache.invalidate((Key) key);
    }

    void clear() {
        cache.invalidateAll();
    }

    long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }
}
