package org.portcullis.auth.core.internal.validate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.SessionStore;
import org.portcullis.auth.core.internal.Tickers;

/**
 * This node's view of whether sessions are active. What it read from the store is trusted for
 * at most {@code ttl}: that is the bound on how late another node's revocation takes effect here.
 * Revocations made on this node are written into the view at once. Expiry instants are kept,
 * so expiry is exact whatever the ttl. With a ttl of zero every check reads the store.
 * Thread-safe.
 */
public final class SessionStatus {

    /** What is known of one session, with its owner so that a token can ride only its own user's session. */
    private record Status(boolean exists, boolean revoked, String userId, Instant idleExpiresAt,
                          Instant absoluteExpiresAt) {
        static final Status MISSING = new Status(false, true, "", Instant.MIN, Instant.MIN);
        static final Status REVOKED = new Status(true, true, "", Instant.MIN, Instant.MIN);

        static Status of(Session s) {
            return new Status(true, s.revokedAt().isPresent(), s.userId(), s.idleExpiresAt(), s.absoluteExpiresAt());
        }

        boolean activeAt(String owner, Instant now) {
            return exists && !revoked && userId.equals(owner) && now.isBefore(idleExpiresAt)
                    && now.isBefore(absoluteExpiresAt);
        }
    }

    private final SessionStore store;
    private final Cache<String, Status> cache;

    public SessionStatus(SessionStore store, Duration ttl, long maxSize, Clock clock) {
        this.store = store;
        this.cache = ttl.isZero() ? null : Caffeine.newBuilder()
                .maximumSize(Math.max(1, maxSize))
                .expireAfterWrite(ttl)
                .ticker(Tickers.of(clock))
                .build();
    }

    /**
     * Whether session {@code sid} belongs to {@code userId} and is active at {@code now}, per this
     * node's bounded-staleness view. The owner check means a token whose {@code sub} names another
     * user than its session's is refused even if it verifies (RFC 8725 §3.11: check every claim a
     * decision rests on).
     */
    public boolean isActive(String sid, String userId, Instant now) {
        Status s = cache == null ? load(sid) : cache.get(sid, this::load);
        return s.activeAt(userId, now);
    }

    /** Records that this node just revoked {@code sid}: effective here at once. */
    public void revoked(String sid) {
        if (cache != null) {
            cache.put(sid, Status.REVOKED);
        }
    }

    /**
     * Records a session as this node just wrote it (after login or refresh). A revocation seen
     * here is never undone: a logout that lands between a refresh's store write and this call
     * must not be overwritten by the refresh's older, still-active copy (OWASP ASVS V3.3.1).
     */
    public void update(Session session) {
        if (cache != null) {
            Status fresh = Status.of(session);
            cache.asMap().merge(session.id(), fresh, (known, next) -> known.revoked ? known : next);
        }
    }

    private Status load(String sid) {
        Optional<Session> s = store.find(sid);
        return s.map(Status::of).orElse(Status.MISSING);
    }
}
