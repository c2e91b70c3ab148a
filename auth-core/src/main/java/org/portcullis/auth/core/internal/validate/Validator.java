package org.portcullis.auth.core.internal.validate;

import java.time.Clock;
import java.time.Instant;

import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.core.internal.token.AccessTokens;

/**
 * The hot path: validate an access token. A token seen before is found by its hash and not
 * verified again; its expiry is still checked against the clock and its session's status against
 * {@link SessionStatus}, so expiry and revocation apply at once on this node. Thread-safe.
 */
public final class Validator {

    private final AccessTokens tokens;
    private final SessionStatus sessions;
    private final TokenCache cache;
    private final AuthSettings settings;
    private final Clock clock;

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
            v = tokens.verify(token, false);
        } else {
            Object key = cache.keyOf(token);
            v = cache.get(key);
            if (v == null) {
                v = tokens.verify(token, false);
                cache.put(key, v);
            }
        }
        Instant now = clock.instant();
        AuthPrincipal p = v.principal();
        // RFC 7519 §4.1.4, re-checked on every hit: the cache never extends a token's life.
        if (!now.isBefore(p.expiresAt().plus(settings.clockSkew()))) {
            throw AuthException.of(ErrorCode.TOKEN_EXPIRED);
        }
        if (!sessions.isActive(p.sessionId(), now)) {
            throw AuthException.of(ErrorCode.TOKEN_REVOKED);
        }
        return p;
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
