package org.portcullis.auth.store.memory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.RefreshTokenMatch;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.RotationResult;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.SessionStore;
import org.portcullis.auth.api.StoreUnavailableException;

/**
 * A {@link SessionStore} in concurrent maps, for tests, development and single-node use.
 *
 * <p><b>Thread-safety.</b> Every method is safe to call from any thread. Each session's state
 * (the session record, its current refresh-token hash and the hashes rotated away) is one
 * immutable value, changed only by an atomic per-key {@link ConcurrentHashMap#compute}: a
 * rotation is a single compare-and-set, so among concurrent rotations of the same expected hash
 * exactly one returns {@link RotationResult#ROTATED}. Hashes are compared in constant time.
 *
 * <p><b>Bounded memory.</b>
 * <ul>
 *   <li>At most {@code maxSessions} sessions (default {@value #DEFAULT_MAX_SESSIONS}), revoked
 *       and expired ones included. When full, {@link #create} first drops sessions that are over
 *       (expired or revoked); if none can go it refuses with {@link StoreUnavailableException},
 *       so that a flood of logins fails closed instead of exhausting the heap.</li>
 *   <li>Every rotated-away hash of a session is kept until the session is purged, as the
 *       {@link SessionStore} contract requires: forgetting old hashes would turn a replayed
 *       stolen token into an "unknown token" instead of reuse (RFC 9700 §4.14.2). A session's
 *       history is bounded by the engine, which ends a session after a fixed number of rotations
 *       (three times its absolute lifetime divided by the access-token lifetime, at least 1,000;
 *       6,480 with the defaults), not by this store.</li>
 *   <li>A user agent is stored once however many sessions send it (up to
 *       {@value #USER_AGENTS_KEPT} distinct ones, the most frequent kept).</li>
 *   <li>Housekeeping without a thread: every {@value #SWEEP_EVERY_CREATES} creations (or an
 *       eighth of the store's size, if more), sessions
 *       that have been expired or revoked for longer than {@code retention} (default one day,
 *       measured on the clock given at construction) are dropped. The engine's cleanup job
 *       normally gets there first with {@link #purge}, which also audits what it removes.</li>
 * </ul>
 *
 * <p>Expiry in every answer is evaluated against the instant passed in; a session is over
 * at its expiry instant exactly.
 */
public final class InMemorySessionStore implements SessionStore {

    /** Default cap on stored sessions. */
    public static final int DEFAULT_MAX_SESSIONS = 100_000;
    /** Distinct user agents stored once and shared by the sessions that send them. */
    static final int USER_AGENTS_KEPT = 4096;
    /** How many creations pass between two housekeeping sweeps. */
    static final int SWEEP_EVERY_CREATES = 1024;

    private static final Comparator<Session> OLDEST_FIRST =
            Comparator.comparing(Session::createdAt).thenComparing(Session::id);

    private final Clock clock;
    private final int maxSessions;
    private final Duration retention;

    private final ConcurrentHashMap<String, Entry> sessions = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> sessionIdByHash = new ConcurrentHashMap<>();
    /**
     * A user's session ids: an array never changed once published, replaced inside a compute on
     * its own key. A user has a handful of sessions; a concurrent set per user cost about 200 bytes
     * for one or two ids, a third of a session's memory.
     */
    private final ConcurrentHashMap<String, String[]> sessionIdsByUser = new ConcurrentHashMap<>();
    /** Slots taken, counted apart from the map so that the cap holds under concurrent creates. */
    private final AtomicInteger slots = new AtomicInteger();
    private final AtomicInteger createsSinceSweep = new AtomicInteger();
    /**
     * One copy of each common user agent. Sessions repeat a few hundred browser strings, each
     * 100 to 200 bytes, which were most of a session's memory. Bounded, and frequency-based
     * (Caffeine's TinyLFU): a flood of distinct strings cannot grow it or evict the common ones.
     */
    private final Cache<String, String> userAgents = Caffeine.newBuilder()
            .maximumSize(USER_AGENTS_KEPT)
            .executor(Runnable::run)
            .build();

    /** A store with the default caps and a one-day housekeeping retention. */
    public InMemorySessionStore(Clock clock) {
        this(clock, DEFAULT_MAX_SESSIONS, Duration.ofDays(1));
    }

    /**
     * A store with explicit bounds.
     *
     * @param clock            read only for housekeeping
     * @param maxSessions      hard cap on stored sessions, at least 1
     * @param retention        how long an expired or revoked session is kept before housekeeping may drop it
     * @throws IllegalArgumentException for a cap below 1 or a negative retention
     */
    public InMemorySessionStore(Clock clock, int maxSessions, Duration retention) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions must be at least 1: " + maxSessions);
        }
        if (Objects.requireNonNull(retention, "retention").isNegative()) {
            throw new IllegalArgumentException("retention must not be negative: " + retention);
        }
        this.maxSessions = maxSessions;
        this.retention = retention;
    }

    @Override
    public void create(Session session, String refreshTokenHash) {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(refreshTokenHash, "refreshTokenHash");
        // A sweep walks every session: spaced out in proportion to the store's size, so that its
        // cost per creation stays flat (every 1024 creations made a 1,000,000-session store
        // spend about 100 µs a login on sweeping).
        if (createsSinceSweep.incrementAndGet() >= Math.max(SWEEP_EVERY_CREATES, slots.get() / 8)) {
            createsSinceSweep.set(0);
            sweep(retention);
        }
        takeSlot();
        session = sharingUserAgent(session);
        String id = session.id();
        if (sessionIdByHash.putIfAbsent(refreshTokenHash, id) != null) {
            slots.decrementAndGet();
            // The message names neither the hash nor the session: both are for logs to keep out of.
            throw new IllegalArgumentException("a session with this refresh-token hash already exists");
        }
        if (sessions.putIfAbsent(id, new Entry(session, refreshTokenHash, null)) != null) {
            sessionIdByHash.remove(refreshTokenHash, id);
            slots.decrementAndGet();
            throw new IllegalArgumentException("a session with this id already exists");
        }
        addToUser(session.userId(), id);
        if (!sessions.containsKey(id)) {
            // Purged between the two writes (it was created already over): leave no dangling id behind.
            removeFromUser(session.userId(), id);
        }
    }

    private Session sharingUserAgent(Session session) {
        ClientInfo client = session.client();
        String agent = userAgents.get(client.userAgent(), ua -> ua);
        if (agent == client.userAgent()) {
            return session;
        }
        return new Session(session.id(), session.userId(), session.username(), session.roles(), session.createdAt(),
                session.lastRefreshedAt(), session.idleExpiresAt(), session.absoluteExpiresAt(),
                new ClientInfo(client.ip(), agent), session.refreshCount(), session.revokedAt(),
                session.revocationReason());
    }

    private void takeSlot() {
        if (slots.incrementAndGet() <= maxSessions) {
            return;
        }
        slots.decrementAndGet();
        sweep(retention);
        if (slots.get() >= maxSessions) {
            sweep(Duration.ZERO);
        }
        if (slots.incrementAndGet() > maxSessions) {
            slots.decrementAndGet();
            throw new StoreUnavailableException("in-memory session store is full (" + maxSessions + " sessions)");
        }
    }

    private void sweep(Duration age) {
        Instant horizon = clock.instant().minus(age);
        removeWhere(horizon, horizon, Integer.MAX_VALUE);
    }

    @Override
    public Optional<Session> find(String sessionId) {
        Objects.requireNonNull(sessionId, "sessionId");
        Entry entry = sessions.get(sessionId);
        return entry == null ? Optional.empty() : Optional.of(entry.session());
    }

    @Override
    public Optional<RefreshTokenMatch> findByRefreshTokenHash(String refreshTokenHash) {
        Objects.requireNonNull(refreshTokenHash, "refreshTokenHash");
        String id = sessionIdByHash.get(refreshTokenHash);
        Entry entry = id == null ? null : sessions.get(id);
        if (entry == null) {
            return Optional.empty();
        }
        // The index only points the way; the entry itself is the truth (the index may lag a purge).
        if (InMemoryUserStore.sameSecret(entry.currentHash(), refreshTokenHash)) {
            return Optional.of(new RefreshTokenMatch(entry.session(), RefreshTokenMatch.State.CURRENT, Optional.empty()));
        }
        boolean newest = true;
        for (Rotated r = entry.rotated(); r != null; r = r.older()) {
            if (InMemoryUserStore.sameSecret(r.hash(), refreshTokenHash)) {
                RefreshTokenMatch.State state = newest ? RefreshTokenMatch.State.PREVIOUS : RefreshTokenMatch.State.RETIRED;
                return Optional.of(new RefreshTokenMatch(entry.session(), state, Optional.of(r.rotatedAt())));
            }
            newest = false;
        }
        return Optional.empty();
    }

    @Override
    public RotationResult rotate(String sessionId, String expectedHash, String newHash, Instant now,
                                 Instant newIdleExpiresAt) {
        SessionStore.requireRotateArguments(sessionId, expectedHash, newHash, now, newIdleExpiresAt);
        RotationResult[] result = {RotationResult.INACTIVE};
        // One compare-and-set under the session's own bin lock: never a read followed by a write.
        sessions.computeIfPresent(sessionId, (id, entry) -> {
            if (!entry.session().isActiveAt(now)) {
                result[0] = RotationResult.INACTIVE;
                return entry;
            }
            if (!InMemoryUserStore.sameSecret(entry.currentHash(), expectedHash)) {
                result[0] = RotationResult.STALE;
                return entry;
            }
            if (sessionIdByHash.putIfAbsent(newHash, id) != null) {
                throw new IllegalArgumentException("the new refresh-token hash is already in use");
            }
            result[0] = RotationResult.ROTATED;
            // Prepended to the shared, immutable history: a rotation costs the same on the
            // thousandth refresh as on the first (copying the history made it grow with each one).
            return new Entry(entry.session().rotated(now, newIdleExpiresAt), newHash,
                    new Rotated(entry.currentHash(), now, entry.rotated()));
        });
        return result[0];
    }

    @Override
    public boolean revoke(String sessionId, RevocationReason reason, Instant now) {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(now, "now");
        boolean[] revoked = {false};
        sessions.computeIfPresent(sessionId, (id, entry) -> {
            if (entry.session().revokedAt().isPresent()) {
                return entry;
            }
            revoked[0] = true;
            return new Entry(entry.session().revoked(now, reason), entry.currentHash(), entry.rotated());
        });
        return revoked[0];
    }

    @Override
    public List<String> revokeAll(String userId, RevocationReason reason, Instant now, Optional<String> exceptSessionId) {
        SessionStore.requireRevokeAllArguments(userId, reason, now, exceptSessionId);
        String[] ids = sessionIdsByUser.get(userId);
        if (ids == null) {
            return List.of();
        }
        List<String> revoked = new ArrayList<>();
        for (String id : ids) {
            if (exceptSessionId.map(id::equals).orElse(false)) {
                continue;
            }
            if (revoke(id, reason, now)) {
                revoked.add(id);
            }
        }
        return List.copyOf(revoked);
    }

    @Override
    public List<Session> findActiveByUser(String userId, Instant now) {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(now, "now");
        String[] ids = sessionIdsByUser.get(userId);
        if (ids == null) {
            return List.of();
        }
        List<Session> active = new ArrayList<>();
        for (String id : ids) {
            Entry entry = sessions.get(id);
            if (entry != null && entry.session().isActiveAt(now)) {
                active.add(entry.session());
            }
        }
        active.sort(OLDEST_FIRST);
        return List.copyOf(active);
    }

    @Override
    public List<Session> purge(Instant now, Instant revokedBefore, int limit) {
        SessionStore.requirePurgeArguments(now, revokedBefore, limit);
        return removeWhere(now, revokedBefore, limit);
    }

    private List<Session> removeWhere(Instant expiredBy, Instant revokedBefore, int limit) {
        List<Session> removed = new ArrayList<>();
        for (String id : sessions.keySet()) {
            if (removed.size() >= limit) {
                break;
            }
            Entry current = sessions.get(id);
            // Most sessions are live: a plain read rules them out without taking the bin's lock.
            if (current == null || !isOver(current.session(), expiredBy, revokedBefore)) {
                continue;
            }
            Entry[] gone = {null};
            // The predicate is checked again under the key's lock, so a concurrent change is never lost.
            sessions.computeIfPresent(id, (key, entry) -> {
                if (isOver(entry.session(), expiredBy, revokedBefore)) {
                    gone[0] = entry;
                    return null;
                }
                return entry;
            });
            if (gone[0] != null) {
                forget(gone[0]);
                removed.add(gone[0].session());
            }
        }
        return List.copyOf(removed);
    }

    private static boolean isOver(Session session, Instant expiredBy, Instant revokedBefore) {
        return session.isExpiredAt(expiredBy)
                || session.revokedAt().map(at -> !at.isAfter(revokedBefore)).orElse(false);
    }

    private void forget(Entry entry) {
        String id = entry.session().id();
        sessionIdByHash.remove(entry.currentHash(), id);
        for (Rotated r = entry.rotated(); r != null; r = r.older()) {
            sessionIdByHash.remove(r.hash(), id);
        }
        removeFromUser(entry.session().userId(), id);
        slots.decrementAndGet();
    }

    private void removeFromUser(String userId, String sessionId) {
        sessionIdsByUser.computeIfPresent(userId, (user, ids) -> {
            int at = Arrays.asList(ids).indexOf(sessionId);
            if (at < 0) {
                return ids;
            }
            if (ids.length == 1) {
                return null;
            }
            String[] fewer = new String[ids.length - 1];
            System.arraycopy(ids, 0, fewer, 0, at);
            System.arraycopy(ids, at + 1, fewer, at, ids.length - at - 1);
            return fewer;
        });
    }

    private void addToUser(String userId, String sessionId) {
        sessionIdsByUser.compute(userId, (user, ids) -> {
            if (ids == null) {
                return new String[] {sessionId};
            }
            if (Arrays.asList(ids).contains(sessionId)) {
                return ids;
            }
            String[] more = Arrays.copyOf(ids, ids.length + 1);
            more[ids.length] = sessionId;
            return more;
        });
    }

    /** How many sessions are stored, revoked and expired ones included. */
    public int size() {
        return sessions.size();
    }

    @Override
    public String toString() {
        return "InMemorySessionStore[sessions=" + sessions.size() + ", maxSessions=" + maxSessions + "]";
    }

    /**
     * One session's whole state; replaced, never mutated. {@code rotated} is the newest hash
     * rotated away, linked to the older ones, or {@code null} before the first rotation.
     */
    private record Entry(Session session, String currentHash, Rotated rotated) {
        @Override
        public String toString() {
            return "Entry[session=" + session.id() + ", hashes=***]";
        }
    }

    /** A hash rotated away at {@code rotatedAt}; {@code older} is the one before it, or {@code null}. */
    private record Rotated(String hash, Instant rotatedAt, Rotated older) {
        @Override
        public String toString() {
            return "Rotated[rotatedAt=" + rotatedAt + ", hash=***]";
        }
    }
}
