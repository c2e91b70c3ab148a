package org.portcullis.auth.core.internal.session;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.portcullis.auth.api.AttemptStore;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuditLog;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.core.internal.Audit;

/**
 * One cleanup pass, in batches: ended sessions, expired attempt counters, and audit events past
 * their retention when the sink is an {@link AuditLog}. Each batch is one short store call, and
 * each batch of sessions is audited as one {@code SESSION_EXPIRED_PURGED} event naming how many
 * it removed, so a purge of a million rows never holds a long lock (keycloak#20073) nor floods
 * the trail. When it runs is decided elsewhere (the cleanup scheduler or
 * {@code AuthService.purgeExpired()}). Thread-safe; concurrent passes are harmless.
 */
public final class SessionCleanup {

    private final SessionWrites sessions;
    private final AttemptStore attempts;
    private final Optional<AuditLog> auditLog;
    private final AuthSettings.Cleanup cfg;
    private final Audit audit;
    private final Clock clock;

    public SessionCleanup(SessionWrites sessions, AttemptStore attempts, Optional<AuditLog> auditLog,
                          AuthSettings.Cleanup cfg, Audit audit, Clock clock) {
        this.sessions = sessions;
        this.attempts = attempts;
        this.auditLog = auditLog;
        this.cfg = cfg;
        this.audit = audit;
        this.clock = clock;
    }

    /** Writes every pending summary of unattributed failures (on close). */
    public void flush() {
        audit.flushSummaries(true);
    }

    /** Runs one pass; returns how many sessions it deleted. */
    public int purge() {
        // Summaries of unattributed failures whose window has closed, so that they reach the trail
        // even when no further failure of their source arrives.
        audit.flushSummaries(false);
        Instant now = clock.instant();
        Instant revokedBefore = now.minus(cfg.revokedRetention());
        int total = 0;
        while (true) {
            List<Session> batch = sessions.purge(now, revokedBefore, cfg.batchSize(), removed -> {
                long revoked = removed.stream().filter(s -> s.revokedAt().isPresent()).count();
                return audit.event(AuditEventType.SESSION_EXPIRED_PURGED, ClientInfo.UNKNOWN)
                        .reason("count=" + removed.size() + ";expired=" + (removed.size() - revoked)
                                + ";revoked=" + revoked);
            });
            total += batch.size();
            if (batch.size() < cfg.batchSize()) {
                break;
            }
        }
        while (attempts.purge(now, cfg.batchSize()) >= cfg.batchSize()) {
            // keep going in bounded steps
        }
        if (auditLog.isPresent()) {
            Instant cutoff = now.minus(cfg.auditRetention());
            while (auditLog.get().purge(cutoff, cfg.batchSize()) >= cfg.batchSize()) {
                // keep going in bounded steps
            }
        }
        return total;
    }
}
