package org.portcullis.auth.store.memory.mutation;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.RotationResult;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.SessionStore;

/**
 * Deliberately broken session stores, each with one classic bug. The contract suite must catch
 * every one of them ({@link BrokenStoresAreCaughtTest}); never use them for anything else.
 */
final class BrokenSessionStores {

    private BrokenSessionStores() {
    }

    /**
     * Rotates whatever the current hash is, without comparing it to the expected one: the
     * check-then-write bug that lets a refresh token be used twice.
     */
    static final class RotateWithoutCompare extends ForwardingSessionStore {
        private final Map<String, String> current = new ConcurrentHashMap<>();

        RotateWithoutCompare(SessionStore delegate) {
            super(delegate);
        }

        @Override
        public void create(Session session, String refreshTokenHash) {
            super.create(session, refreshTokenHash);
            current.put(session.id(), refreshTokenHash);
        }

        @Override
        public RotationResult rotate(String sessionId, String expectedHash, String newHash, Instant now,
                                     Instant newIdleExpiresAt) {
            String actual = current.getOrDefault(sessionId, expectedHash);
            RotationResult result = delegate.rotate(sessionId, actual, newHash, now, newIdleExpiresAt);
            if (result == RotationResult.ROTATED) {
                current.put(sessionId, newHash);
            }
            return result;
        }
    }

    /** Revokes all of a user's sessions but quietly forgets the oldest one. */
    static final class RevokeAllForgetsOne extends ForwardingSessionStore {

        RevokeAllForgetsOne(SessionStore delegate) {
            super(delegate);
        }

        @Override
        public List<String> revokeAll(String userId, RevocationReason reason, Instant now,
                                      Optional<String> exceptSessionId) {
            if (exceptSessionId.isPresent()) {
                return super.revokeAll(userId, reason, now, exceptSessionId);
            }
            List<Session> active = delegate.findActiveByUser(userId, now);
            Optional<String> forgotten = active.isEmpty() ? Optional.empty() : Optional.of(active.get(0).id());
            return super.revokeAll(userId, reason, now, forgotten);
        }
    }

    /** Treats sessions as active for one second past their expiry: an off-by-one at the boundary. */
    static final class ExpiryOneSecondLate extends ForwardingSessionStore {
        private static final Duration LATE = Duration.ofSeconds(1);

        ExpiryOneSecondLate(SessionStore delegate) {
            super(delegate);
        }

        @Override
        public RotationResult rotate(String sessionId, String expectedHash, String newHash, Instant now,
                                     Instant newIdleExpiresAt) {
            return super.rotate(sessionId, expectedHash, newHash, now.minus(LATE), newIdleExpiresAt);
        }

        @Override
        public List<Session> findActiveByUser(String userId, Instant now) {
            return super.findActiveByUser(userId, now.minus(LATE));
        }

        @Override
        public List<Session> purge(Instant now, Instant revokedBefore, int limit) {
            return super.purge(now.minus(LATE), revokedBefore, limit);
        }
    }

    /** Purges everything that is over in one go, ignoring the batch limit (keycloak#20073). */
    static final class PurgeIgnoresLimit extends ForwardingSessionStore {

        PurgeIgnoresLimit(SessionStore delegate) {
            super(delegate);
        }

        @Override
        public List<Session> purge(Instant now, Instant revokedBefore, int limit) {
            return super.purge(now, revokedBefore, Integer.MAX_VALUE);
        }
    }
}
