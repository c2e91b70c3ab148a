package org.portcullis.auth.core.internal.validate;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;

import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.core.ValidationStats;
import org.portcullis.auth.core.internal.token.AccessTokens;

/**
 * The hot path: validate an access token. A token seen before is found by its hash and not
 * verified again; its expiry is still checked against the clock and its session's status against
 * {@link SessionStatus}, so expiry and revocation apply at once on this node. Thread-safe.
 */
public final class Validator implements ValidationStats {

    private final AccessTokens tokens;
    private final SessionStatus sessions;
    private final TokenCache cache;
    private final AuthSettings settings;
    private final Clock clock;
    private final LongAdder repeats = new LongAdder();
    private final LongAdder firstSights = new LongAdder();
    private final LongAdder firstSightNanos = new LongAdder();

    public Validator(AccessTokens tokens, SessionStatus sessions, AuthSettings settings, Clock clock) {
        this.tokens = tokens;
        this.sessions = sessions;
        this.settings = settings;
        this.clock = clock;
        this.cache = settings.tokenCacheSize() == 0 ? null
                : new TokenCache(settings.tokenCacheSize(), settings.clockSkew(), clock);
    }

    /**
     * @throws AuthException TOKEN_MISSING, TOKEN_INVALID, TOKEN_EXPIRED or TOKEN_REVOKED
     */
    public AuthPrincipal validate(String token) {
        if (token == null || token.isEmpty()) {
            throw AuthException.of(ErrorCode.TOKEN_MISSING);
        }
        if (token.length() > settings.maxTokenBytes()) {
            throw AuthException.of(ErrorCode.TOKEN_INVALID, "token_too_large");
        }
        // The cache is keyed by SHA-256 of the string's UTF-8 bytes, which is one-to-one only on
        // well-formed text; a compact JWS is ASCII (RFC 7515 §7.1), so anything else is refused
        // before the lookup and a hit is for exactly this string.
        if (!isCompactAlphabet(token)) {
            throw AuthException.of(ErrorCode.TOKEN_INVALID, "malformed");
        }
        AccessTokens.Verified v;
        if (cache == null) {
            v = verify(token);
        } else {
            Object key = cache.keyOf(token);
            v = cache.get(key);
            if (v == null) {
                v = verify(token);
                cache.put(key, v);
            } else {
                repeats.increment();
            }
        }
        Instant now = clock.instant();
        AuthPrincipal p = v.principal();
        // RFC 7519 §4.1.4, re-checked on every hit: the cache never extends a token's life.
        if (!now.isBefore(p.expiresAt().plus(settings.clockSkew()))) {
            throw AuthException.of(ErrorCode.TOKEN_EXPIRED);
        }
        if (!sessions.isActive(p.sessionId(), p.userId(), now)) {
            throw AuthException.of(ErrorCode.TOKEN_REVOKED);
        }
        return p;
    }

    /** A signature check, counted and timed for {@link ValidationStats}. */
    private AccessTokens.Verified verify(String token) {
        // nanoTime measures elapsed time only; it is not a reading of the wall clock.
        long start = System.nanoTime();
        try {
            return tokens.verify(token, false);
        } finally {
            firstSightNanos.add(System.nanoTime() - start);
            firstSights.increment();
        }
    }

    @Override
    public long tokenCacheSize() {
        return cache == null ? 0 : cache.size();
    }

    @Override
    public long repeatCount() {
        return repeats.sum();
    }

    @Override
    public long firstSightCount() {
        return firstSights.sum();
    }

    @Override
    public long firstSightNanos() {
        return firstSightNanos.sum();
    }

    private static boolean isCompactAlphabet(String token) {
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
