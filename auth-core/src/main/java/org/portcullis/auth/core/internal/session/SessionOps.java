package org.portcullis.auth.core.internal.session;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuditLog;
import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.core.internal.Engine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logout, revocation, listing and cleanup. Every revocation made here takes effect on this node
 * at once (it is written into {@code SessionStatus}), and on other nodes within
 * {@code sessionStatusTtl}. Thread-safe.
 */
public final class SessionOps {

    private static final Logger LOG = LoggerFactory.getLogger(SessionOps.class);

    private final Engine e;

    public SessionOps(Engine engine) {
        this.e = engine;
    }

    public void logout(AuthPrincipal caller, ClientInfo client) {
        Instant now = e.clock().instant();
        boolean revoked = e.stores().transactions().inTransaction(() -> {
            e.audit().record(e.audit().event(AuditEventType.LOGGED_OUT, client)
                    .user(caller.userId(), caller.username()).session(caller.sessionId()));
            return e.stores().sessions().revoke(caller.sessionId(), RevocationReason.LOGOUT, now);
        });
        e.status().revoked(caller.sessionId());
        LOG.debug("logout of session {}: {}", caller.sessionId(), revoked ? "revoked" : "already ended");
    }

    public int revokeAll(AuthPrincipal caller, ClientInfo client, boolean keepCurrent) {
        Instant now = e.clock().instant();
        Optional<String> except = keepCurrent ? Optional.of(caller.sessionId()) : Optional.empty();
        RevocationReason reason = keepCurrent ? RevocationReason.REVOKED_BY_USER : RevocationReason.LOGOUT_ALL;
        List<String> ids = e.stores().transactions().inTransaction(() -> {
            List<String> revoked = e.stores().sessions().revokeAll(caller.userId(), reason, now, except);
            e.audit().record(e.audit().event(AuditEventType.SESSIONS_REVOKED_ALL, client)
                    .user(caller.userId(), caller.username()).session(caller.sessionId())
                    .reason((keepCurrent ? "others" : "all") + ";count=" + revoked.size()));
            return revoked;
        });
        ids.forEach(e.status()::revoked);
        return ids.size();
    }

    public void revokeOwn(AuthPrincipal caller, String sessionId, ClientInfo client) {
        Instant now = e.clock().instant();
        Optional<Session> target = sessionId == null ? Optional.empty() : e.stores().sessions().find(sessionId);
        // Someone else's session answers exactly like a missing one: no probing of session ids.
        if (target.isEmpty() || !target.get().userId().equals(caller.userId()) || !target.get().isActiveAt(now)) {
            throw AuthException.of(ErrorCode.SESSION_NOT_FOUND);
        }
        Session s = target.get();
        e.stores().transactions().inTransaction(() -> {
            e.audit().record(e.audit().about(AuditEventType.SESSION_REVOKED, s, client)
                    .reason("by_user;from_session=" + caller.sessionId()));
            return e.stores().sessions().revoke(s.id(), RevocationReason.REVOKED_BY_USER, now);
        });
        e.status().revoked(s.id());
    }

    public int revokeAllForUser(String userId, RevocationReason reason) {
        Instant now = e.clock().instant();
        List<String> ids = e.stores().transactions().inTransaction(() -> {
            List<String> revoked = e.stores().sessions().revokeAll(userId, reason, now, Optional.empty());
            e.audit().record(e.audit().event(AuditEventType.SESSIONS_REVOKED_ALL, ClientInfo.UNKNOWN)
                    .user(userId, null).reason(reason.name().toLowerCase(java.util.Locale.ROOT)
                            + ";count=" + revoked.size()));
            return revoked;
        });
        ids.forEach(e.status()::revoked);
        return ids.size();
    }

    public List<Session> list(String userId) {
        return e.stores().sessions().findActiveByUser(userId, e.clock().instant());
    }

    /**
     * One cleanup pass, in batches: each batch is one short store call, audited as one
     * {@code SESSION_EXPIRED_PURGED} event naming how many sessions it removed, so a purge of a
     * million rows never holds a long lock (keycloak#20073) nor floods the trail.
     */
    public int purge() {
        var cfg = e.settings().cleanup();
        Instant now = e.clock().instant();
        Instant revokedBefore = now.minus(cfg.revokedRetention());
        int total = 0;
        while (true) {
            List<Session> batch = e.stores().transactions().inTransaction(() -> {
                List<Session> removed = e.stores().sessions().purge(now, revokedBefore, cfg.batchSize());
                if (!removed.isEmpty()) {
                    long revoked = removed.stream().filter(s -> s.revokedAt().isPresent()).count();
                    e.audit().record(e.audit().event(AuditEventType.SESSION_EXPIRED_PURGED, ClientInfo.UNKNOWN)
                            .reason("count=" + removed.size() + ";expired=" + (removed.size() - revoked)
                                    + ";revoked=" + revoked));
                }
                return removed;
            });
            total += batch.size();
            if (batch.size() < cfg.batchSize()) {
                break;
            }
        }
        while (e.stores().attempts().purge(now, cfg.batchSize()) >= cfg.batchSize()) {
            // keep going in bounded steps
        }
        if (e.stores().audit() instanceof AuditLog log) {
            Instant cutoff = now.minus(cfg.auditRetention());
            while (log.purge(cutoff, cfg.batchSize()) >= cfg.batchSize()) {
                // keep going in bounded steps
            }
        }
        return total;
    }
}
