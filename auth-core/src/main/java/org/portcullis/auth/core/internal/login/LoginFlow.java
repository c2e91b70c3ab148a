package org.portcullis.auth.core.internal.login;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.Credential;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.ExternalAssertion;
import org.portcullis.auth.api.Identity;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.SessionLimitPolicy;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.CredentialVerifier;
import org.portcullis.auth.api.text.LogText;
import org.portcullis.auth.core.internal.Audit;
import org.portcullis.auth.core.internal.Digests;
import org.portcullis.auth.core.internal.session.SessionReads;
import org.portcullis.auth.core.internal.session.SessionWrites;
import org.portcullis.auth.core.internal.token.AccessTokens;

/**
 * Login: input limits → throttling check (before any hashing) → credential check → session
 * limit → new session and tokens, each outcome audited. A success's store writes (throttle
 * resets, device token, session, audit event) are one transaction, opened after the credential
 * check; a failure's counts are written at once, outside any transaction. Thread-safe.
 */
public final class LoginFlow {

    /** The default verifier's reason for a username it does not know. */
    private static final String UNKNOWN_USER = "unknown_user";

    /** Refresh tokens carry 256 bits of randomness (RFC 9700 §4.14 asks for unguessable tokens). */
    public static final int REFRESH_TOKEN_BYTES = 32;

    private final AuthSettings settings;
    private final Clock clock;
    private final Throttle throttle;
    private final CredentialVerifier verifier;
    private final AccessTokens tokens;
    private final SessionReads sessions;
    private final SessionWrites writes;
    private final Audit audit;
    private final ExternalLogin external;

    public LoginFlow(AuthSettings settings, Clock clock, Throttle throttle, CredentialVerifier verifier,
                     AccessTokens tokens, SessionReads sessions, SessionWrites writes, Audit audit,
                     ExternalLogin external) {
        this.settings = settings;
        this.clock = clock;
        this.throttle = throttle;
        this.verifier = verifier;
        this.tokens = tokens;
        this.sessions = sessions;
        this.writes = writes;
        this.audit = audit;
        this.external = external;
    }

    public TokenPair login(Credential credential, ClientInfo client) {
        if (credential instanceof ExternalAssertion assertion) {
            // Throttled per (provider, subject) and per source inside, never per provider.
            ExternalLogin.Outcome outcome = external.login(assertion, client);
            return startSession(outcome.identity(), client, outcome.auditReason(), Proven.NOTHING);
        }
        String username = credential instanceof PasswordCredential pc ? pc.username() : credential.subjectHint();
        if (credential instanceof PasswordCredential pc && !pc.withinLimits()) {
            // Nothing to hash or look up: an empty or oversized input is simply wrong.
            audit.recordUnattributed(audit.event(AuditEventType.LOGIN_FAILED, client).failure()
                    .username(clip(username)).reason("input_rejected"));
            throw AuthException.of(ErrorCode.INVALID_CREDENTIALS, "input_rejected");
        }
        if (!(credential instanceof PasswordCredential pc)) {
            // Other credentials name a provider, not a person, as their subject: serialising them
            // would queue every login through that provider behind one another.
            Throttle.Attempt attempt = throttle.attempt(username, client.ip(), Optional.empty(), clock.instant());
            Verified verified = checkCredential(credential, username, attempt, client);
            return startSession(verified.identity, client, "",
                    new Proven(() -> throttle.recordSuccess(attempt, verified.check), Optional::empty));
        }
        // Password guesses on one username go one at a time (see Throttle#serialised); the success's
        // throttle writes are inside the turn too, so the next attempt sees them.
        return throttle.serialised(username, () -> {
            Throttle.Attempt attempt = throttle.attempt(username, client.ip(), pc.deviceToken(), clock.instant());
            Verified verified = checkCredential(credential, username, attempt, client);
            TokenPair pair = startSession(verified.identity, client, "",
                    new Proven(() -> throttle.recordSuccess(attempt, verified.check),
                            () -> throttle.deviceTokenFor(attempt, clock.instant())));
            // No new token (a known device, or the day's allowance used up): the client keeps the one it presented.
            return pair.deviceToken().isPresent() ? pair : pc.deviceToken().map(pair::withDeviceToken).orElse(pair);
        });
    }

    /** Who the credential proved, and what the throttle read before the check. */
    private record Verified(Identity identity, Throttle.Check check) {
    }

    /**
     * The throttle's writes for a proven credential, made when its session is stored: the reset of
     * the counters it ends, and the new device token to hand out, if any.
     */
    private record Proven(Runnable resets, Supplier<Optional<String>> newDeviceToken) {
        static final Proven NOTHING = new Proven(() -> { }, Optional::empty);
    }

    /**
     * Checks the throttle, then the credential; counts and audits a failure. A success writes
     * nothing here: its resets commit with the session ({@link #startSession}).
     */
    private Verified checkCredential(Credential credential, String username, Throttle.Attempt a, ClientInfo client) {
        Instant now = clock.instant();
        Throttle.Check check = throttle.check(a, now);
        Optional<Duration> wait = check.retryAfter();
        if (wait.isPresent()) {
            // A throttled attempt does no work; its record must not be work either (one per source and window).
            audit.recordUnattributed(audit.event(AuditEventType.LOGIN_THROTTLED, client).failure()
                    .username(username).reason((a.fromKnownDevice() ? "known_device;" : "")
                            + "retry_after_s=" + seconds(wait.get())));
            throw AuthException.throttled(wait.get(), "throttled");
        }
        Identity identity;
        try {
            identity = verifier.verify(credential);
        } catch (AuthException failure) {
            // Counted at once, each counter on its own, outside any transaction: the login fails, but
            // its failure must stay counted (OWASP ASVS V2.2.1).
            onFailure(username, a, client, failure, now);
            throw failure;
        }
        return new Verified(identity, check);
    }

    private void onFailure(String username, Throttle.Attempt a, ClientInfo client, AuthException failure, Instant now) {
        Throttle.Failure f = throttle.recordFailure(a, now);
        AuditEvent.Builder failed = audit.event(AuditEventType.LOGIN_FAILED, client).failure()
                .username(username).reason(failure.reason());
        if (UNKNOWN_USER.equals(failure.reason())) {
            // No account behind it: summarised per source, so guessing names cannot flood the trail.
            audit.recordUnattributed(failed);
        } else {
            audit.record(failed);
        }
        if (f.sprayingSuspected()) {
            // One source, many usernames: password spraying (OWASP ASVS V2.2.1).
            audit.record(audit.event(AuditEventType.CREDENTIAL_STUFFING_SUSPECTED, client).failure()
                    .reason("pattern=spraying;distinct_usernames=" + f.distinctUsernamesFromSource()));
        }
        if (f.stuffingSuspected()) {
            // Failures from everywhere at once: credential stuffing from many sources.
            audit.record(audit.event(AuditEventType.CREDENTIAL_STUFFING_SUSPECTED, client).failure()
                    .reason("pattern=stuffing;failures=" + f.failuresEverywhere()));
        }
    }

    private TokenPair startSession(Identity identity, ClientInfo client, String reason, Proven proven) {
        Instant now = clock.instant();
        if (settings.maxSessionsPerUser() > 0) {
            enforceLimit(identity, client, now, proven);
        }
        String refreshToken = Digests.randomToken(REFRESH_TOKEN_BYTES);
        Instant absolute = now.plus(settings.absoluteSessionLifetime());
        Instant idle = min(now.plus(settings.refreshIdleTimeout()), absolute);
        Session session = Session.start(Digests.randomToken(16), identity.userId(), identity.username(),
                identity.roles(), now, idle, absolute, client);
        AccessTokens.Issued access = tokens.issue(session, identity.claims(), now);
        // Every write of a successful login in one transaction, so one durable commit: the throttle
        // resets, the device token, the session with its refresh token and its audit event. It opens
        // only now, after the password hashing, so no pooled connection is held while Argon2 runs.
        // If one write fails all roll back and the login fails (fail closed): no session and no
        // device token (the client is given neither), and the throttle counters stay as they were,
        // which only errs on the strict side; a retry checks the password again and resets them then.
        Optional<String> deviceToken = writes.create(session, Digests.sha256Base64Url(refreshToken),
                audit.about(AuditEventType.LOGIN_SUCCEEDED, session, client).reason(reason), () -> {
                    proven.resets.run();
                    return proven.newDeviceToken.get();
                });
        // Only after the commit: the argument of requireStillCurrent needs the session stored first.
        requireStillCurrent(identity, session, client);
        TokenPair pair = new TokenPair(access.token(), refreshToken, access.issuedAt(), access.expiresAt(),
                session.expiresAt(), session.id());
        return deviceToken.map(pair::withDeviceToken).orElse(pair);
    }

    /**
     * A password reset, disable or delete that landed while this login was verifying revoked the
     * sessions that existed then, not this one: look again now that it exists, and end it if the
     * account changed (OWASP ASVS V3.3.1, V3.3.3). Either the change's revocation sees this
     * session, or this look sees the change.
     */
    private void requireStillCurrent(Identity identity, Session session, ClientInfo client) {
        if (verifier.isStillCurrent(identity)) {
            return;
        }
        writes.revoke(session.id(), RevocationReason.ACCOUNT_CHANGED, clock.instant(),
                audit.about(AuditEventType.SESSION_REVOKED, session, client).reason("account_changed_during_login"));
        throw AuthException.of(ErrorCode.INVALID_CREDENTIALS, "account_changed_during_login");
    }

    private void enforceLimit(Identity identity, ClientInfo client, Instant now, Proven proven) {
        int max = settings.maxSessionsPerUser();
        // A count at every login; the sessions themselves are read only when one must make room.
        if (sessions.countActiveByUser(identity.userId(), now) < max) {
            return;
        }
        if (settings.sessionLimitPolicy() == SessionLimitPolicy.REJECT) {
            // The password was right, so its counters end as after any success; no device token,
            // since the refused client could never receive it.
            proven.resets.run();
            audit.record(audit.event(AuditEventType.LOGIN_FAILED, client).failure()
                    .user(identity.userId(), identity.username()).reason("session_limit"));
            throw AuthException.of(ErrorCode.SESSION_LIMIT_REACHED);
        }
        List<Session> active = sessions.findActiveByUser(identity.userId(), now);
        // Oldest first; evict just enough to make room for the new one (none if some ended since the count).
        for (Session old : active.subList(0, Math.max(0, active.size() - max + 1))) {
            writes.revoke(old.id(), RevocationReason.SESSION_LIMIT, now,
                    audit.about(AuditEventType.SESSION_LIMIT_EVICTED, old, client).reason("max_sessions=" + max));
        }
    }

    /**
     * A rejected username as the audit trail may keep it: cut to the longest accepted length and
     * with control characters (a NUL, which no store can hold, among them) replaced.
     */
    private static String clip(String s) {
        return LogText.neutralise(s, PasswordCredential.MAX_USERNAME_LENGTH);
    }

    private static long seconds(Duration d) {
        return (d.toMillis() + 999) / 1000;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
