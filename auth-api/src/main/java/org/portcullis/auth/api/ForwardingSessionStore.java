package org.portcullis.auth.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link SessionStore} that passes every call, the default methods included, to another one.
 * Extend it to decorate a store (count, log, fail on purpose) and override only what the
 * decorator changes: a default method added to {@link SessionStore} later is forwarded here once,
 * so a decorator never silently replaces the wrapped store's own implementation with the
 * interface's default (for {@link #rotateAndRecord} and {@link #createAndRecord} that would cost
 * every refresh and login its one-write path). Thread-safe if the delegate is.
 */
public abstract class ForwardingSessionStore implements SessionStore {

    private final SessionStore delegate;

    protected ForwardingSessionStore(SessionStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The store every call is passed to. */
    protected final SessionStore delegate() {
        return delegate;
    }

    @Override
    public void create(Session session, String refreshTokenHash) {
        delegate.create(session, refreshTokenHash);
    }

    @Override
    public boolean createAndRecord(Session session, String refreshTokenHash, AuditSink audit, AuditEvent event) {
        return delegate.createAndRecord(session, refreshTokenHash, audit, event);
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
    public Optional<RotationResult> rotateAndRecord(String sessionId, String expectedHash, String newHash, Instant now,
                                                    Instant newIdleExpiresAt, AuditSink audit, AuditEvent eventIfRotated) {
        return delegate.rotateAndRecord(sessionId, expectedHash, newHash, now, newIdleExpiresAt, audit, eventIfRotated);
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
}
