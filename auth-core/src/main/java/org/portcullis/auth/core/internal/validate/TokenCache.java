package org.portcullis.auth.core.internal.validate;

import java.nio.ByteBuffer;
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
 */
final class TokenCache {

    private record Key(long a, long b, long c, long d) {
        static Key of(String token) {
            ByteBuffer bb = ByteBuffer.wrap(Digests.sha256(token));
            return new Key(bb.getLong(), bb.getLong(), bb.getLong(), bb.getLong());
        }
    }

    private final Cache<Key, AccessTokens.Verified> cache;

    TokenCache(long maxSize, Duration skew, Clock clock) {
        long skewNanos = skew.toNanos();
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxSize)
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

    Object keyOf(String token) {
        return Key.of(token);
    }

    AccessTokens.Verified get(Object key) {
        return cache.getIfPresent((Key) key);
    }

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
