package org.portcullis.auth.core.internal.session;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.portcullis.auth.api.RefreshTokenMatch;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.SessionStore;

/**
 * The read side of the {@link SessionStore}, which is all a flow may touch directly: every write
 * goes through {@link SessionWrites}. Each method throws what the store throws
 * ({@code StoreUnavailableException}). Thread-safe.
 */
public final class SessionReads {

    private final SessionStore store;

    public SessionReads(SessionStore store) {
        this.store = store;
    }

    /** See {@link SessionStore#find}. */
    public Optional<Session> find(String sessionId) {
        return store.find(sessionId);
    }

    /** See {@link SessionStore#findByRefreshTokenHash}. */
    public Optional<RefreshTokenMatch> findByRefreshTokenHash(String refreshTokenHash) {
        return store.findByRefreshTokenHash(refreshTokenHash);
    }

    /** See {@link SessionStore#findActiveByUser}. */
    public List<Session> findActiveByUser(String userId, Instant now) {
        return store.findActiveByUser(userId, now);
    }

    /** See {@link SessionStore#countActiveByUser}. */
    public int countActiveByUser(String userId, Instant now) {
        return store.countActiveByUser(userId, now);
    }

    /** See {@link SessionStore#ping}. */
    public void ping() {
        store.ping();
    }
}
