package org.portcullis.auth.core.internal.refresh;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.CredentialVerifier;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.RefreshTokenMatch;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.RotationResult;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.core.internal.Audit;
import org.portcullis.auth.core.internal.Digests;
import org.portcullis.auth.core.internal.Tickers;
import org.portcullis.auth.core.internal.login.LoginFlow;
import org.portcullis.auth.core.internal.session.SessionReads;
import org.portcullis.auth.core.internal.session.SessionWrites;
import org.portcullis.auth.core.internal.token.AccessTokens;
import org.portcullis.auth.core.internal.validate.Validator;

/**
 * Refresh with rotation and reuse detection (RFC 9700 §4.14.2).
 *
 * <p>The access token must verify but may be expired, and its {@code sid} must be the refresh
 * token's session. The current refresh token rotates through the store's one atomic
 * compare-and-set, so exactly one of any number of concurrent refreshes wins. A token that was
 * already rotated away is reuse: the session is revoked and {@code REFRESH_TOKEN_REUSED} audited.
 *
 * <p>Honest clients replay too (two tabs, a lost response). Within the grace window a replay of
 * the immediate predecessor revokes nothing: if this node issued the successor it answers with
 * that same pair (kept in memory only, for the window), otherwise {@code REFRESH_CONFLICT}, a
 * retryable error. A grace window of zero makes every replay reuse. Thread-safe.
 */
public final class RefreshFlow {

    /** Longest refresh token looked up; ours are 43 characters. */
    static final int MAX_REFRESH_TOKEN_LENGTH = 512;

    private final AuthSettings settings;
    private final Clock clock;
    private final CredentialVerifier verifier;
    private final AccessTokens tokens;
    private final Validator validator;
    private final SessionReads sessions;
    private final SessionWrites writes;
    private final Audit audit;
    private final Duration grace;
    /** See {@link #maxRotations(AuthSettings)}. */
    private final long maxRotations;
    /** Predecessor hash → the pair that replaced it, for replays within the grace window. */
    private final Cache<String, TokenPair> successors;

    public RefreshFlow(AuthSettings settings, Clock clock, CredentialVerifier verifier, AccessTokens tokens,
                       Validator validator, SessionReads sessions, SessionWrites writes, Audit audit) {
        this.settings = settings;
        this.clock = clock;
        this.verifier = verifier;
        this.tokens = tokens;
        this.validator = validator;
        this.sessions = sessions;
        this.writes = writes;
        this.audit = audit;
        this.grace = settings.refreshGraceWindow();
        this.maxRotations = maxRotations(settings);
        this.successors = grace.isZero() ? null : Caffeine.newBuilder()
                .expireAfterWrite(grace)
                // Upkeep on the calling thread, amortised over calls: the default hands it to the
                // common pool, waking a thread per write (a refresh paid that several times).
                .executor(Runnable::run)
                .maximumSize(100_000)
                .ticker(Tickers.of(clock))
                .build();
    }

    public TokenPair refresh(String accessToken, String refreshToken, ClientInfo client) {
        AuthPrincipal caller;
        try {
            caller = validator.verifyIgnoringExpiry(accessToken).principal();
        } catch (AuthException bad) {
            fail(client, Optional.empty(), bad.reason());
            throw bad.code() == ErrorCode.TOKEN_MISSING ? bad : AuthException.of(ErrorCode.TOKEN_INVALID, bad.reason());
        }
        Instant now = clock.instant();
        // The expiry is ignored, but only up to a session's lifetime: older tokens are useless anyway.
        if (now.isAfter(caller.expiresAt().plus(settings.absoluteSessionLifetime()))) {
            fail(client, Optional.of(caller), "access_token_too_old");
            throw AuthException.of(ErrorCode.TOKEN_INVALID, "access_token_too_old");
        }
        if (refreshToken == null || refreshToken.isEmpty() || refreshToken.length() > MAX_REFRESH_TOKEN_LENGTH) {
            fail(client, Optional.of(caller), "malformed_refresh_token");
            throw AuthException.of(ErrorCode.REFRESH_TOKEN_INVALID, "malformed_refresh_token");
        }
        String hash = Digests.sha256Base64Url(refreshToken);
        Optional<RefreshTokenMatch> found = sessions.findByRefreshTokenHash(hash);
        if (found.isEmpty()) {
            fail(client, Optional.of(caller), "unknown_refresh_token");
            throw AuthException.of(ErrorCode.REFRESH_TOKEN_INVALID, "unknown_refresh_token");
        }
        RefreshTokenMatch match = found.get();
        Session session = match.session();
        // The user too, not only the session: a token must not speak for a session of someone else.
        if (!session.id().equals(caller.sessionId()) || !session.userId().equals(caller.userId())) {
            // Both tokens are real: a row of its own, naming the caller.
            audit.record(audit.event(AuditEventType.REFRESH_FAILED, client).failure().reason("session_mismatch")
                    .user(caller.userId(), caller.username()).session(caller.sessionId()));
            throw AuthException.of(ErrorCode.SESSION_MISMATCH);
        }
        if (!session.isActiveAt(now)) {
            throw inactive(session, client, now);
        }
        // Asked of every verifier, the application's own too: without it a disabled account would
        // keep refreshing until the absolute lifetime (30 days by default); OWASP ASVS V3.3.1.
        Optional<Set<String>> roles = verifier.rolesAtRefresh(session.userId(), session.roles());
        if (roles.isEmpty()) {
            throw endForDisabledAccount(session, client, now);
        }
        if (match.state() == RefreshTokenMatch.State.CURRENT && session.refreshCount() >= maxRotations) {
            throw endForRotationLimit(session, client, now);
        }
        return switch (match.state()) {
            case CURRENT -> rotate(session, roles.get(), hash, client, now);
            case PREVIOUS -> replay(session, hash, match.rotatedAt().orElseThrow(), client, now);
            case RETIRED -> reuse(session, client, now, "retired_token");
        };
    }

    private TokenPair rotate(Session session, Set<String> roles, String hash, ClientInfo client, Instant now) {
        String next = Digests.randomToken(LoginFlow.REFRESH_TOKEN_BYTES);
        Instant idle = min(now.plus(settings.refreshIdleTimeout()), session.absoluteExpiresAt());
        Session rotated = session.rotated(now, idle);
        // The roles as they stand now, not as they were at login (the store keeps the login's):
        // a change of roles reaches the session's tokens at its next refresh.
        long keyEpoch = validator.keyEpoch();
        AccessTokens.Issued access = tokens.issue(rotated.withRoles(roles), Map.of(), now);
        TokenPair pair = new TokenPair(access.token(), next, access.issuedAt(), access.expiresAt(),
                rotated.expiresAt(), session.id());
        RotationResult result = writes.rotate(rotated, hash, Digests.sha256Base64Url(next), now,
                audit.about(AuditEventType.TOKEN_REFRESHED, session, client).reason("generation=" + rotated.refreshCount()));
        switch (result) {
            case ROTATED -> {
                validator.issued(access, keyEpoch);
                if (successors != null) {
                    successors.put(hash, pair);
                }
                return pair;
            }
            case STALE -> {
                // Another refresh of the same token won between our read and our write: that is
                // the concurrent case the grace window exists for.
                return replay(session, hash, now, client, now);
            }
            default -> {
                // Revoked or expired between our read and our write: say which, from a fresh read.
                Session latest = sessions.find(session.id()).orElse(session.revoked(now,
                        RevocationReason.REVOKED_BY_ADMIN));
                throw inactive(latest, client, now);
            }
        }
    }

    private AuthException endForDisabledAccount(Session session, ClientInfo client, Instant now) {
        writes.revoke(session.id(), RevocationReason.REVOKED_BY_ADMIN, now, failed(client, session, "account_disabled"));
        // TOKEN_REVOKED, the code of every session that has ended: clients already treat it as
        // "log in again", and the login then says ACCOUNT_DISABLED (after a right password only).
        return AuthException.of(ErrorCode.TOKEN_REVOKED, "account_disabled");
    }

    /**
     * A store keeps every rotated-away hash of a session until the session is purged, so that a
     * replayed old token is recognised as reuse (RFC 9700 §4.14.2). Nothing else bounds how often
     * a session is refreshed, so without a limit one client refreshing in a loop would grow that
     * history, and the store, without end (OWASP ASVS V11.1.4). A session that has been rotated
     * {@link #maxRotations} times ends, and the user logs in again.
     */
    private AuthException endForRotationLimit(Session session, ClientInfo client, Instant now) {
        writes.revoke(session.id(), RevocationReason.SESSION_LIMIT, now, failed(client, session, "rotation_limit"));
        return AuthException.of(ErrorCode.TOKEN_REVOKED, "rotation_limit");
    }

    /**
     * Rotations a session may have: three times what refreshing once per access-token lifetime for
     * its whole absolute lifetime needs (6,480 with the defaults, 20 minutes and 30 days), and at
     * least 1,000.
     */
    public static long maxRotations(AuthSettings settings) {
        long needed = settings.absoluteSessionLifetime().toSeconds()
                / Math.max(1, settings.accessTokenLifetime().toSeconds());
        return Math.max(1_000, 3 * needed);
    }

    /** The error for a session that can no longer be refreshed, after recording REFRESH_FAILED. */
    private AuthException inactive(Session session, ClientInfo client, Instant now) {
        if (session.revokedAt().isPresent()) {
            boolean reused = session.revocationReason().orElseThrow() == RevocationReason.REFRESH_TOKEN_REUSED;
            fail(client, session, reused ? "session_revoked_for_reuse" : "session_revoked");
            return AuthException.of(reused ? ErrorCode.REFRESH_TOKEN_REUSED : ErrorCode.TOKEN_REVOKED, "session_revoked");
        }
        fail(client, session, "session_expired");
        return AuthException.of(ErrorCode.REFRESH_TOKEN_EXPIRED);
    }

    private TokenPair replay(Session session, String hash, Instant rotatedAt, ClientInfo client, Instant now) {
        if (grace.isZero() || !now.isBefore(rotatedAt.plus(grace))) {
            return reuse(session, client, now, "replayed_previous_token");
        }
        TokenPair successor = successors.getIfPresent(hash);
        if (successor != null && isStillCurrent(successor)) {
            audit.record(audit.about(AuditEventType.TOKEN_REFRESHED, session, client).reason("grace_replay"));
            return successor;
        }
        fail(client, session, "concurrent_refresh");
        throw AuthException.of(ErrorCode.REFRESH_CONFLICT, "concurrent_refresh");
    }

    private boolean isStillCurrent(TokenPair successor) {
        return sessions.findByRefreshTokenHash(Digests.sha256Base64Url(successor.refreshToken()))
                .map(m -> m.state() == RefreshTokenMatch.State.CURRENT && m.session().isActiveAt(clock.instant()))
                .orElse(false);
    }

    private TokenPair reuse(Session session, ClientInfo client, Instant now, String reason) {
        // RFC 9700 §4.14.2: the authorization server cannot tell the attacker from the legitimate
        // client, so it revokes the whole lineage.
        writes.revoke(session.id(), RevocationReason.REFRESH_TOKEN_REUSED, now,
                audit.about(AuditEventType.REFRESH_TOKEN_REUSED, session, client).failure().reason(reason));
        throw AuthException.of(ErrorCode.REFRESH_TOKEN_REUSED, reason);
    }

    private void fail(ClientInfo client, Session session, String reason) {
        audit.record(failed(client, session, reason));
    }

    private AuditEvent.Builder failed(ClientInfo client, Session session, String reason) {
        return audit.about(AuditEventType.REFRESH_FAILED, session, client).failure().reason(reason);
    }

    /**
     * A refresh that failed before any session was found: a bad access token, or a refresh token
     * that is malformed or unknown. Summarised per source and window, so that garbage cannot grow
     * the trail without bound.
     */
    private void fail(ClientInfo client, Optional<AuthPrincipal> caller, String reason) {
        var ev = audit.event(AuditEventType.REFRESH_FAILED, client).failure().reason(reason);
        caller.ifPresent(p -> ev.user(p.userId(), p.username()).session(p.sessionId()));
        audit.recordUnattributed(ev);
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
