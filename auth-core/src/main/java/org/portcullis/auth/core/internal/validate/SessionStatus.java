package org.portcullis.auth.core.internal.validate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

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
 *
 * <p>Another node's revocation can also arrive early, through the store's
 * {@link org.portcullis.auth.api.InvalidationFeed}: {@link #evictSession}, {@link #evictUser} and
 * {@link #evictAll} drop entries so that the next check reads the store. A check whose store read
 * may have overlapped an eviction does not keep what it read (see {@link #evictions}), so an
 * eviction is never undone by a read that started before the revoking write committed.
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
    /**
     * Counts evictions. A check notes it before it may read the store and compares after: if an
     * eviction ran in between, the entry it may have loaded is dropped again. Either the eviction
     * counted before that second look (the check drops its entry) or after it (the entry was in
     * the cache before the eviction began, which then drops it).
     */
    private final AtomicLong evictions = new AtomicLong();

    public SessionStatus(SessionStore store, Duration ttl, long maxSize, Clock clock) {
        this.store = store;
        this.cache = ttl.isZero() ? null : Caffeine.newBuilder()
                .maximumSize(Math.max(1, maxSize))
                .expireAfterWrite(ttl)
                // Upkeep on the calling thread, amortised over calls: the default hands it to the
                // common pool, waking a thread per write (a refresh paid that several times).
                .executor(Runnable::run)
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
        if (cache == null) {
            return load(sid).activeAt(userId, now);
        }
        long seen = evictions.get();
        Status s = cache.get(sid, this::load);
        if (evictions.get() != seen) {
            cache.asMap().remove(sid, s);
        }
        return s.activeAt(userId, now);
    }

    /** Records that this node just revoked {@code sid}: effective here at once. */
    public void revoked(String sid) {
        if (cache != null) {
            cache.put(sid, Status.REVOKED);
        }
    }

    /** Forgets what is known of session {@code sid} (another node revoked it): the next check reads the store. */
    public void evictSession(String sid) {
        if (cache != null) {
            evictions.incrementAndGet();
            cache.invalidate(sid);
        }
    }

    /**
     * Forgets every session of user {@code userId} (another node revoked them all, or disabled the
     * user). Walks the cache: meant for rare events, not for every request.
     */
    public void evictUser(String userId) {
        if (cache != null) {
            evictions.incrementAndGet();
            cache.asMap().values().removeIf(s -> s.userId.equals(userId));
        }
    }

    /** Forgets everything (messages about other nodes' revocations may have been lost). */
    public void evictAll() {
        if (cache != null) {
            evictions.incrementAndGet();
            cache.invalidateAll();
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
