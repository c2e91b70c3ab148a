package org.portcullis.auth.core.internal.validate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.SessionStore;

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
 *
 * <p><b>Reads of the store happen outside any lock.</b> Concurrent checks of one session that
 * find nothing fresh share one store read (an in-flight future per session): when the store is
 * slow or down, they wait for that one read and fail together with its error, instead of queueing
 * one behind the other, each for its own pool timeout (as they did when the read ran inside the
 * cache's {@code compute}). A failed read is never kept: the next check reads again. Failing
 * closed: the store's error reaches the caller, never an "active" answer.
 *
 * <p><b>A check that finds a fresh entry writes nothing shared</b> (one {@link ConcurrentHashMap}
 * read), so threads validating at once do not slow each other down; this used to be a Caffeine
 * cache, whose reads record accesses in shared buffers. At most {@code maxSize} entries: a write
 * that finds more drops the entries older than the ttl, then arbitrary ones down to nine tenths
 * of {@code maxSize} (a dropped entry costs one store read on its next check). Thread-safe.
 */
public final class SessionStatus {

    /**
     * What is known of one session, with its owner so that a token can ride only its own user's
     * session; {@code freshUntil} (nanoseconds since the epoch) ends the trust in it, {@code seq}
     * orders writes into the view.
     */
    private record Status(boolean exists, boolean revoked, String userId, Instant idleExpiresAt,
                          Instant absoluteExpiresAt, long freshUntil, long seq) {

        static Status of(Session s, long freshUntil, long seq) {
            return new Status(true, s.revokedAt().isPresent(), s.userId(), s.idleExpiresAt(), s.absoluteExpiresAt(),
                    freshUntil, seq);
        }

        static Status missing(long freshUntil, long seq) {
            return new Status(false, true, "", Instant.MIN, Instant.MIN, freshUntil, seq);
        }

        static Status revoked(long freshUntil, long seq) {
            return new Status(true, true, "", Instant.MIN, Instant.MIN, freshUntil, seq);
        }

        boolean activeAt(String owner, Instant now) {
            return exists && !revoked && userId.equals(owner) && now.isBefore(idleExpiresAt)
                    && now.isBefore(absoluteExpiresAt);
        }
    }

    /** One shared store read: its result and the eviction count noted before it began. */
    private record Read(Status status, long evictionsBefore) {
    }

    private final SessionStore store;
    private final Clock clock;
    private final long ttlNanos;
    private final long maxSize;
    /** Null when the ttl is zero: then nothing is kept and every check reads the store. */
    private final ConcurrentHashMap<String, Status> cache;
    private final ConcurrentHashMap<String, CompletableFuture<Read>> inFlight = new ConcurrentHashMap<>();
    private final AtomicBoolean trimming = new AtomicBoolean();
    /**
     * Counts evictions. A check notes it before it may read the store and compares after: if an
     * eviction ran in between, the entry it may have stored is dropped again. Either the eviction
     * counted before that second look (the check drops its entry) or after it (the entry was in
     * the cache before the eviction began, which then drops it).
     */
    private final AtomicLong evictions = new AtomicLong();
    /**
     * Orders writes into the view: a store read does not replace an entry written after the read
     * began (a revocation or a refresh on this node), since that entry is at least as new.
     */
    private final AtomicLong writes = new AtomicLong();

    public SessionStatus(SessionStore store, Duration ttl, long maxSize, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.ttlNanos = ttl.toNanos();
        this.maxSize = Math.max(1, maxSize);
        this.cache = ttl.isZero() ? null : new ConcurrentHashMap<>();
    }

    /**
     * Whether session {@code sid} belongs to {@code userId} and is active at {@code now}, per this
     * node's bounded-staleness view. The owner check means a token whose {@code sub} names another
     * user than its session's is refused even if it verifies (RFC 8725 §3.11: check every claim a
     * decision rests on).
     *
     * @throws org.portcullis.auth.api.StoreUnavailableException when the store must be read and
     *         cannot be (the view fails closed)
     */
    public boolean isActive(String sid, String userId, Instant now) {
        if (cache == null) {
            return load(sid, 0, 0).activeAt(userId, now);
        }
        Status s = cache.get(sid);
        if (s == null || EpochNanos.of(now) >= s.freshUntil) {
            s = read(sid);
        }
        return s.activeAt(userId, now);
    }

    /** Records that this node just revoked {@code sid}: effective here at once. */
    public void revoked(String sid) {
        if (cache != null) {
            cache.put(sid, Status.revoked(freshUntil(), writes.incrementAndGet()));
            trimIfFull();
        }
    }

    /** Forgets what is known of session {@code sid} (another node revoked it): the next check reads the store. */
    public void evictSession(String sid) {
        if (cache != null) {
            evictions.incrementAndGet();
            cache.remove(sid);
        }
    }

    /**
     * Forgets every session of user {@code userId} (another node revoked them all, or disabled the
     * user). Walks the cache: meant for rare events, not for every request.
     */
    public void evictUser(String userId) {
        if (cache != null) {
            evictions.incrementAndGet();
            cache.values().removeIf(s -> s.userId.equals(userId));
        }
    }

    /** Forgets everything (messages about other nodes' revocations may have been lost). */
    public void evictAll() {
        if (cache != null) {
            evictions.incrementAndGet();
            cache.clear();
        }
    }

    /**
     * Records a session as this node just wrote it (after login or refresh). A revocation seen
     * here is never undone: a logout that lands between a refresh's store write and this call
     * must not be overwritten by the refresh's older, still-active copy (OWASP ASVS V3.3.1).
     */
    public void update(Session session) {
        if (cache != null) {
            Status fresh = Status.of(session, freshUntil(), writes.incrementAndGet());
            cache.merge(session.id(), fresh, (known, next) -> known.revoked ? known : next);
            trimIfFull();
        }
    }

    /** How many checks wait on the store read of {@code sid} now in flight; for tests. */
    int waitingOn(String sid) {
        CompletableFuture<Read> f = inFlight.get(sid);
        return f == null ? 0 : f.getNumberOfDependents();
    }

    /**
     * Reads {@code sid} from the store, or waits for the read another check already started. A
     * shared read that began before an eviction this check has seen is not good enough: then this
     * check reads again.
     */
    private Status read(String sid) {
        while (true) {
            long seen = evictions.get();
            CompletableFuture<Read> mine = new CompletableFuture<>();
            CompletableFuture<Read> running = inFlight.putIfAbsent(sid, mine);
            if (running == null) {
                return readAndKeep(sid, mine);
            }
            Read r;
            try {
                r = running.join();
            } catch (CompletionException e) {
                // The shared read failed: fail with its error now rather than queue a read of our own.
                throw e.getCause() instanceof RuntimeException re ? re : e;
            }
            if (r.evictionsBefore == seen) {
                return r.status;
            }
        }
    }

    private Status readAndKeep(String sid, CompletableFuture<Read> mine) {
        try {
            long seen = evictions.get();
            long startedAt = writes.get();
            Status s;
            try {
                s = load(sid, freshUntil(), writes.incrementAndGet());
            } catch (RuntimeException e) {
                mine.completeExceptionally(e);
                throw e;
            }
            cache.merge(sid, s, (known, next) -> known.seq > startedAt ? known : next);
            if (evictions.get() != seen) {
                cache.remove(sid, s);
            }
            trimIfFull();
            mine.complete(new Read(s, seen));
            return s;
        } finally {
            inFlight.remove(sid, mine);
        }
    }

    private Status load(String sid, long freshUntil, long seq) {
        Optional<Session> s = store.find(sid);
        return s.map(x -> Status.of(x, freshUntil, seq)).orElseGet(() -> Status.missing(freshUntil, seq));
    }

    /**
     * Keeps the view within {@code maxSize}: drops what is no longer fresh, then arbitrary entries
     * down to nine tenths of the bound, so a full view trims once per tenth of its size, not per write.
     */
    private void trimIfFull() {
        if (cache.size() <= maxSize || !trimming.compareAndSet(false, true)) {
            return;
        }
        try {
            long now = EpochNanos.of(clock.instant());
            cache.values().removeIf(s -> now >= s.freshUntil);
            long target = maxSize - maxSize / 10;
            Iterator<String> it = cache.keySet().iterator();
            while (cache.size() > target && it.hasNext()) {
                it.next();
                it.remove();
            }
        } finally {
            trimming.set(false);
        }
    }

    private long freshUntil() {
        return EpochNanos.plus(EpochNanos.of(clock.instant()), ttlNanos);
    }
}
