package org.portcullis.auth.micrometer;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditSink;
import org.portcullis.auth.api.RefreshTokenMatch;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.RotationResult;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.SessionStore;

/**
 * The session store as it is, but for one thing: a rotation or a creation whose event goes to
 * this module's counting sink is handed to the store with the sink underneath, so that a store
 * which writes the event in its own statement ({@link SessionStore#rotateAndRecord},
 * {@link SessionStore#createAndRecord}; the JDBC store on PostgreSQL) still can, and the event is
 * counted here once it is stored. Without this, a store would not recognise its own audit log
 * behind the counting sink, and turning metrics on would cost every refresh a statement and a
 * commit, and every login two statements. Thread-safe if the delegate is.
 */
final class MeteredSessionStore implements SessionStore {

    private final SessionStore delegate;
    private final MeteredAuditSink sink;

    MeteredSessionStore(SessionStore delegate, MeteredAuditSink sink) {
        this.delegate = delegate;
        this.sink = sink;
    }

    @Override
    public Optional<RotationResult> rotateAndRecord(String sessionId, String expectedHash, String newHash, Instant now,
                                                    Instant newIdleExpiresAt, AuditSink audit, AuditEvent eventIfRotated) {
        if (audit != sink) {
            return delegate.rotateAndRecord(sessionId, expectedHash, newHash, now, newIdleExpiresAt, audit, eventIfRotated);
        }
        Optional<RotationResult> result = delegate.rotateAndRecord(sessionId, expectedHash, newHash, now,
                newIdleExpiresAt, sink.delegate(), eventIfRotated);
        // Counted as the sink counts: once the event is stored, and only then.
        if (result.isPresent() && result.get() == RotationResult.ROTATED) {
            sink.count(eventIfRotated);
        }
        return result;
    }

    @Override
    public boolean createAndRecord(Session session, String refreshTokenHash, AuditSink audit, AuditEvent event) {
        if (audit != sink) {
            return delegate.createAndRecord(session, refreshTokenHash, audit, event);
        }
        boolean recorded = delegate.createAndRecord(session, refreshTokenHash, sink.delegate(), event);
        if (recorded) {
            sink.count(event);
        }
        return recorded;
    }

    @Override
    public void create(Session session, String refreshTokenHash) {
        delegate.create(session, refreshTokenHash);
    }

    @Override
    public Optional<Session> find(String sessionId) {
        return delegate.find(sessionId);
    }

    @Override
    public Optional<RefreshTokenMatch> findByRefreshTokenHash(String refreshTokenHash) {
        return delegate.findByRefreshTokenHash(refreshTokenHash);
    }

    @Override
    public RotationResult rotate(String sessionId, String expectedHash, String newHash, Instant now,
                                 Instant newIdleExpiresAt) {
        return delegate.rotate(sessionId, expectedHash, newHash, now, newIdleExpiresAt);
    }

    @Override
    public boolean revoke(String sessionId, RevocationReason reason, Instant now) {
        return delegate.revoke(sessionId, reason, now);
    }

    @Override
    public List<String> revokeAll(String userId, RevocationReason reason, Instant now, Optional<String> exceptSessionId) {
        return delegate.revokeAll(userId, reason, now, exceptSessionId);
    }

    @Override
    public List<Session> findActiveByUser(String userId, Instant now) {
        return delegate.findActiveByUser(userId, now);
    }

    @Override
    public int countActiveByUser(String userId, Instant now) {
        return delegate.countActiveByUser(userId, now);
    }

    @Override
    public List<Session> purge(Instant now, Instant revokedBefore, int limit) {
        return delegate.purge(now, revokedBefore, limit);
    }

    @Override
    public void ping() {
        delegate.ping();
    }

    @Override
    public String toString() {
        return "Metered[" + delegate + "]";
    }
}
