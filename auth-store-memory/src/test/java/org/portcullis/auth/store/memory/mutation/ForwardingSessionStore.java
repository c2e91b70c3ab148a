package org.portcullis.auth.store.memory.mutation;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.portcullis.auth.api.RefreshTokenMatch;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.RotationResult;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.SessionStore;

/** Passes every call to a correct store; each broken store overrides the one method it breaks. */
abstract class ForwardingSessionStore implements SessionStore {

    protected final SessionStore delegate;

    ForwardingSessionStore(SessionStore delegate) {
        this.delegate = delegate;
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
    public List<Session> purge(Instant now, Instant revokedBefore, int limit) {
        return delegate.purge(now, revokedBefore, limit);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName();
    }
}
