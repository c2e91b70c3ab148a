package org.portcullis.auth.core.internal.validate;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.core.ValidationStats;
import org.portcullis.auth.core.internal.token.AccessTokens;
import org.portcullis.auth.core.internal.token.CompactJws;
import org.portcullis.auth.core.internal.token.KeyRing;

/**
 * The hot path: validate an access token. A token seen before is found by its hash and not
 * verified again; its expiry is still checked against the clock and its session's status against
 * {@link SessionStatus}, so expiry and revocation apply at once on this node. When the signing
 * keys change elsewhere ({@link #signingKeysChanged}) the verified tokens are forgotten, so a
 * token signed with a key that was withdrawn is checked again against the keys as they now are.
 * Thread-safe.
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
    private final KeyRing keys;
    /** Counts key changes; a verification that overlapped one does not keep its result (as in {@link SessionStatus}). */
    private final AtomicLong keyChanges = new AtomicLong();

    public Validator(AccessTokens tokens, KeyRing keys, SessionStatus sessions, AuthSettings settings, Clock clock) {
        this.tokens = tokens;
        this.keys = keys;
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
        Instant now = clock.instant();
        AuthPrincipal p;
        if (cache == null) {
            p = verify(token).principal();
        } else {
            // A hit is for exactly this string (TokenCache says why), so it needs no scan of its own.
            TokenCache.Entry hit = cache.get(token, now);
            if (hit == null) {
                long seen = keyChanges.get();
                AccessTokens.Verified v = verify(token);
                cache.put(token, v);
                if (keyChanges.get() != seen) {
                    cache.remove(token);
                }
                p = v.principal();
            } else {
                requireTrustedKey(hit.kid, now);
                repeats.increment();
                p = hit.principal;
            }
        }
        // RFC 7519 §4.1.4, re-checked on every hit: the cache never extends a token's life.
        if (!now.isBefore(p.expiresAt().plus(settings.clockSkew()))) {
            throw AuthException.of(ErrorCode.TOKEN_EXPIRED);
        }
        if (!sessions.isActive(p.sessionId(), p.userId(), now)) {
            throw AuthException.of(ErrorCode.TOKEN_REVOKED);
        }
        return p;
    }

    /**
     * The signing keys changed in the store (another node published, retired or withdrew one):
     * the key ring reads the store again on its next use, and every verified token is forgotten,
     * so that none signed with a withdrawn key is answered from the cache. Costs one signature
     * check per token in use, once; key changes are rare.
     */
    public void signingKeysChanged() {
        keys.invalidate();
        keyChanges.incrementAndGet();
        if (cache != null) {
            cache.clear();
        }
    }

    /**
     * For refresh (DESIGN: the access token's signature, issuer and audience must verify, its
     * expiry is ignored): what the token says. A token this node verified or issued and still
     * holds in the cache is not verified again, as for {@link #validate}; any other is fully
     * checked but not cached, since it may be expired. Session status is the caller's business.
     *
     * @throws AuthException TOKEN_MISSING or TOKEN_INVALID
     */
    public AccessTokens.Verified verifyIgnoringExpiry(String token) {
        if (cache != null && token != null && !token.isEmpty() && token.length() <= settings.maxTokenBytes()) {
            Instant now = clock.instant();
            TokenCache.Entry hit = cache.get(token, now);
            if (hit != null) {
                requireTrustedKey(hit.kid, now);
                return hit.verified();
            }
        }
        return tokens.verify(token, true);
    }

    /**
     * An emergency key revocation refuses cached tokens too: at once on the node that revoked,
     * within the key-reload interval on the others. Asked on every cache hit.
     */
    private void requireTrustedKey(String kid, Instant now) {
        if (!tokens.trustsKey(kid, now)) {
            throw AuthException.of(ErrorCode.TOKEN_INVALID, "unknown_kid");
        }
    }

    /** A stamp to take before signing a token that is then passed to {@link #issued}. */
    public long keyEpoch() {
        return keyChanges.get();
    }

    /**
     * Notes a token this node just issued, so that neither its validation nor its refresh here
     * verifies it. As in {@link #validate}: if the signing keys changed since {@code keyEpoch}
     * (taken before signing), the token's key may have been withdrawn, and the entry is dropped.
     */
    public void issued(AccessTokens.Issued issued, long keyEpoch) {
        if (cache != null && issued.verified().isPresent()) {
            cache.put(issued.token(), issued.verified().get());
            if (keyChanges.get() != keyEpoch) {
                cache.remove(issued.token());
            }
        }
    }

    /** A first sight: the full check, counted and timed for {@link ValidationStats}. */
    private AccessTokens.Verified verify(String token) {
        // A compact JWS is base64url and dots (RFC 7515 §7.1): anything else is refused before parsing.
        if (!isCompactAlphabet(token)) {
            throw AuthException.of(ErrorCode.TOKEN_INVALID, "malformed");
        }
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

    /** base64url characters and the dots between segments (RFC 7515 §2, §7.1). */
    private static boolean isCompactAlphabet(String token) {
        return CompactJws.isBase64Url(token, true);
    }
}
