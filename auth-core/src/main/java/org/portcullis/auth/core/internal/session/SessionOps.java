package org.portcullis.auth.core.internal.session;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.core.internal.Audit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logout, revocation and listing. Every revocation goes through {@link SessionWrites}, so it
 * takes effect on this node at once and on other nodes within {@code sessionStatusTtl}.
 * Thread-safe.
 */
public final class SessionOps {

    private static final Logger LOG = LoggerFactory.getLogger(SessionOps.class);

    private final SessionReads reads;
    private final SessionWrites writes;
    private final Audit audit;
    private final Clock clock;

    public SessionOps(SessionReads reads, SessionWrites writes, Audit audit, Clock clock) {
        this.reads = reads;
        this.writes = writes;
        this.audit = audit;
        this.clock = clock;
    }

    public void logout(AuthPrincipal caller, ClientInfo client) {
        boolean revoked = writes.revoke(caller.sessionId(), RevocationReason.LOGOUT, clock.instant(),
                audit.event(AuditEventType.LOGGED_OUT, client)
                        .user(caller.userId(), caller.username()).session(caller.sessionId()));
        LOG.debug("logout of session {}: {}", caller.sessionId(), revoked ? "revoked" : "already ended");
    }

    public int revokeAll(AuthPrincipal caller, ClientInfo client, boolean keepCurrent) {
        Optional<String> except = keepCurrent ? Optional.of(caller.sessionId()) : Optional.empty();
        RevocationReason reason = keepCurrent ? RevocationReason.REVOKED_BY_USER : RevocationReason.LOGOUT_ALL;
        return writes.revokeAll(caller.userId(), reason, clock.instant(), except,
                revoked -> audit.event(AuditEventType.SESSIONS_REVOKED_ALL, client)
                        .user(caller.userId(), caller.username()).session(caller.sessionId())
                        .reason((keepCurrent ? "others" : "all") + ";count=" + revoked.size())).size();
    }

    public void revokeOwn(AuthPrincipal caller, String sessionId, ClientInfo client) {
        Instant now = clock.instant();
        // No store holds a NUL (PostgreSQL refuses one in any text value): such an id names no
        // session, and is answered so here rather than by a store failure.
        Optional<Session> target = sessionId == null || sessionId.indexOf('\0') >= 0 ? Optional.empty() : reads.find(sessionId);
        // Someone else's session answers exactly like a missing one: no probing of session ids.
        if (target.isEmpty() || !target.get().userId().equals(caller.userId()) || !target.get().isActiveAt(now)) {
            throw AuthException.of(ErrorCode.SESSION_NOT_FOUND);
        }
        Session s = target.get();
        writes.revoke(s.id(), RevocationReason.REVOKED_BY_USER, now,
                audit.about(AuditEventType.SESSION_REVOKED, s, client).reason("by_user;from_session=" + caller.sessionId()));
    }

    public int revokeAllForUser(String userId, RevocationReason reason) {
        return writes.revokeAll(userId, reason, clock.instant(), Optional.empty(),
                revoked -> audit.event(AuditEventType.SESSIONS_REVOKED_ALL, ClientInfo.UNKNOWN)
                        .user(userId, null).reason(reason.name().toLowerCase(Locale.ROOT) + ";count=" + revoked.size()))
                .size();
    }

    public List<Session> list(String userId) {
        return reads.findActiveByUser(userId, clock.instant());
    }
}
