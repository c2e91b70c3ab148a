package org.portcullis.auth.core.internal.validate;

import org.portcullis.auth.api.InvalidationFeed;

/**
 * Where the store's {@link InvalidationFeed} lands in this node: each message evicts what this
 * node's caches hold about the session, the user or the keys it names, and nothing else. The
 * caches keep their own staleness bounds, so a message that never arrives costs at most
 * {@code sessionStatusTtl} (sessions) or {@code keyReloadInterval} (keys).
 *
 * <p>Thread-safe; called on the feed's thread. No method reads the store: the next validation
 * does, on its own thread.
 */
public final class CacheInvalidation implements InvalidationFeed.Listener {

    private final SessionStatus sessions;
    private final Validator validator;

    public CacheInvalidation(SessionStatus sessions, Validator validator) {
        this.sessions = sessions;
        this.validator = validator;
    }

    @Override
    public void sessionRevoked(String sessionId) {
        sessions.evictSession(sessionId);
    }

    @Override
    public void userChanged(String userId) {
        sessions.evictUser(userId);
    }

    @Override
    public void signingKeysChanged() {
        validator.signingKeysChanged();
    }

    @Override
    public void invalidateAll() {
        sessions.evictAll();
        validator.signingKeysChanged();
    }
}
