package org.portcullis.auth.store.memory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
    /** Keyed by {@link HashKey#of}: a refresh-token hash in the engine's form takes 48 bytes instead of 88. */
    private final ConcurrentHashMap<Object, String> sessionIdByHash = new ConcurrentHashMap<>();
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
        String id = session.id();
        Object hashKey = HashKey.of(refreshTokenHash);
        if (sessionIdByHash.putIfAbsent(hashKey, id) != null) {
            slots.decrementAndGet();
            // The message names neither the hash nor the session: both are for logs to keep out of.
            throw new IllegalArgumentException("a session with this refresh-token hash already exists");
        }
        if (sessions.putIfAbsent(id, Entry.of(session, sharedUserAgent(session.client().userAgent()), hashKey, null)) != null) {
            sessionIdByHash.remove(hashKey, id);
            slots.decrementAndGet();
            throw new IllegalArgumentException("a session with this id already exists");
        }
        addToUser(session.userId(), id);
        if (!sessions.containsKey(id)) {
            // Purged between the two writes (it was created already over): leave no dangling id behind.
            removeFromUser(session.userId(), id);
        }
    }

    private String sharedUserAgent(String agent) {
        return userAgents.get(agent, ua -> ua);
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
        Object key = HashKey.of(refreshTokenHash);
        String id = sessionIdByHash.get(key);
        Entry entry = id == null ? null : sessions.get(id);
        if (entry == null) {
            return Optional.empty();
        }
        // The index only points the way; the entry itself is the truth (the index may lag a purge).
        if (HashKey.same(entry.currentHash, key)) {
            return Optional.of(new RefreshTokenMatch(entry.session(), RefreshTokenMatch.State.CURRENT, Optional.empty()));
        }
        boolean newest = true;
        for (Rotated r = entry.rotated; r != null; r = r.older()) {
            if (HashKey.same(r.hash(), key)) {
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
            if (!entry.activeAt(now)) {
                result[0] = RotationResult.INACTIVE;
                return entry;
            }
            if (!HashKey.same(entry.currentHash, HashKey.of(expectedHash))) {
                result[0] = RotationResult.STALE;
                return entry;
            }
            Object newKey = HashKey.of(newHash);
            if (sessionIdByHash.putIfAbsent(newKey, id) != null) {
                throw new IllegalArgumentException("the new refresh-token hash is already in use");
            }
            result[0] = RotationResult.ROTATED;
            // Prepended to the shared, immutable history: a rotation costs the same on the
            // thousandth refresh as on the first (copying the history made it grow with each one).
            return Entry.of(entry.session().rotated(now, newIdleExpiresAt), entry.userAgent, newKey,
                    new Rotated(entry.currentHash, now, entry.rotated));
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
            if (entry.revokedAt != null) {
                return entry;
            }
            revoked[0] = true;
            return Entry.of(entry.session().revoked(now, reason), entry.userAgent, entry.currentHash, entry.rotated);
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
            if (entry != null && entry.activeAt(now)) {
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
            if (current == null || !isOver(current, expiredBy, revokedBefore)) {
                continue;
            }
            Entry[] gone = {null};
            // The predicate is checked again under the key's lock, so a concurrent change is never lost.
            sessions.computeIfPresent(id, (key, entry) -> {
                if (isOver(entry, expiredBy, revokedBefore)) {
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

    private static boolean isOver(Entry entry, Instant expiredBy, Instant revokedBefore) {
        return entry.expiredAt(expiredBy) || (entry.revokedAt != null && !entry.revokedAt.isAfter(revokedBefore));
    }

    private void forget(Entry entry) {
        String id = entry.id;
        sessionIdByHash.remove(entry.currentHash, id);
        for (Rotated r = entry.rotated; r != null; r = r.older()) {
            sessionIdByHash.remove(r.hash(), id);
        }
        removeFromUser(entry.userId, id);
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
     *
     * <p>Flat, for memory: the {@link Session} record with its {@link ClientInfo} and three or four
     * {@link Instant}s cost 184 bytes a session; here the instants are seconds and nanoseconds in
     * primitive fields and the record is built again by {@link #session()} for each read (reads are
     * a session-status refresh or a refresh, not every request). The strings are the session's own
     * instances, the user agent the store's shared copy.
     */
    private static final class Entry {
        final String id;
        final String userId;
        final String username;
        final Set<String> roles;
        /** The client's address, or null when it is a dotted-quad IPv4 address kept in {@link #ipv4}. */
        final String ip;
        final int ipv4;
        final String userAgent;
        final long createdSecond;
        final long refreshedSecond;
        final long idleSecond;
        final long absoluteSecond;
        final int createdNano;
        final int refreshedNano;
        final int idleNano;
        final int absoluteNano;
        final long refreshCount;
        /** Null while not revoked; {@link #reason} likewise. */
        final Instant revokedAt;
        final RevocationReason reason;
        /** A {@link HashKey} or the hash string. */
        final Object currentHash;
        final Rotated rotated;

        private Entry(Session s, String userAgent, Object currentHash, Rotated rotated) {
            this.id = s.id();
            this.userId = s.userId();
            this.username = s.username();
            this.roles = s.roles();
            String address = s.client().ip();
            long packed = Ipv4.pack(address);
            this.ip = packed < 0 ? address : null;
            this.ipv4 = (int) packed;
            this.userAgent = userAgent;
            this.createdSecond = s.createdAt().getEpochSecond();
            this.createdNano = s.createdAt().getNano();
            this.refreshedSecond = s.lastRefreshedAt().getEpochSecond();
            this.refreshedNano = s.lastRefreshedAt().getNano();
            this.idleSecond = s.idleExpiresAt().getEpochSecond();
            this.idleNano = s.idleExpiresAt().getNano();
            this.absoluteSecond = s.absoluteExpiresAt().getEpochSecond();
            this.absoluteNano = s.absoluteExpiresAt().getNano();
            this.refreshCount = s.refreshCount();
            this.revokedAt = s.revokedAt().orElse(null);
            this.reason = s.revocationReason().orElse(null);
            this.currentHash = currentHash;
            this.rotated = rotated;
        }

        static Entry of(Session s, String userAgent, Object currentHash, Rotated rotated) {
            return new Entry(s, userAgent, currentHash, rotated);
        }

        Session session() {
            Instant created = Instant.ofEpochSecond(createdSecond, createdNano);
            Instant refreshed = refreshedSecond == createdSecond && refreshedNano == createdNano ? created
                    : Instant.ofEpochSecond(refreshedSecond, refreshedNano);
            return new Session(id, userId, username, roles, created, refreshed,
                    Instant.ofEpochSecond(idleSecond, idleNano), Instant.ofEpochSecond(absoluteSecond, absoluteNano),
                    new ClientInfo(ip != null ? ip : Ipv4.unpack(ipv4), userAgent), refreshCount, Optional.ofNullable(revokedAt),
                    Optional.ofNullable(reason));
        }

        /** As {@link Session#isActiveAt}, without building the session. */
        boolean activeAt(Instant now) {
            return revokedAt == null && !expiredAt(now);
        }

        /** As {@link Session#isExpiredAt}: over at either expiry instant exactly. */
        boolean expiredAt(Instant now) {
            return !before(now, idleSecond, idleNano) || !before(now, absoluteSecond, absoluteNano);
        }

        private static boolean before(Instant t, long second, int nano) {
            return t.getEpochSecond() < second || (t.getEpochSecond() == second && t.getNano() < nano);
        }

        @Override
        public String toString() {
            return "Entry[session=" + id + ", hashes=***]";
        }
    }

    /**
     * An IPv4 address in its one canonical dotted-quad spelling, as 4 bytes instead of a string of
     * 56 to 64 bytes; {@link #unpack} gives back exactly the text that was packed.
     */
    static final class Ipv4 {
        private Ipv4() {
        }

        /** The address as an unsigned 32-bit value, or -1 unless {@code text} is canonical dotted-quad IPv4. */
        static long pack(String text) {
            int n = text.length();
            if (n < 7 || n > 15) {
                return -1;
            }
            long value = 0;
            int part = 0;
            int digits = 0;
            int octets = 0;
            for (int i = 0; i <= n; i++) {
                char c = i < n ? text.charAt(i) : '.';
                if (c >= '0' && c <= '9') {
                    // No leading zero: "01" would not come back as written.
                    if (digits == 1 && part == 0) {
                        return -1;
                    }
                    part = part * 10 + (c - '0');
                    digits++;
                    if (part > 255) {
                        return -1;
                    }
                } else if (c == '.' && digits > 0 && octets < 4) {
                    value = (value << 8) | part;
                    octets++;
                    part = 0;
                    digits = 0;
                } else {
                    return -1;
                }
            }
            return octets == 4 ? value : -1;
        }

        static String unpack(int v) {
            return (v >>> 24) + "." + ((v >>> 16) & 0xFF) + "." + ((v >>> 8) & 0xFF) + "." + (v & 0xFF);
        }
    }

    /** A hash rotated away at {@code rotatedAt}; {@code older} is the one before it, or {@code null}. */
    private record Rotated(Object hash, Instant rotatedAt, Rotated older) {
        @Override
        public String toString() {
            return "Rotated[rotatedAt=" + rotatedAt + ", hash=***]";
        }
    }

    /**
     * A refresh-token hash in the engine's form (SHA-256, unpadded base64url: 43 characters) as its
     * 32 bytes in four longs; any other string (a custom engine's hash) is kept as it is. The
     * mapping is one-to-one: only the canonical spelling of 32 bytes becomes a key (the bytes
     * re-encode to the same text), so two different hash strings never share a key.
     */
    private record HashKey(long a, long b, long c, long d) {
        private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
        private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

        static Object of(String hash) {
            if (hash.length() != 43) {
                return hash;
            }
            byte[] bytes;
            try {
                bytes = DECODER.decode(hash);
            } catch (IllegalArgumentException e) {
                return hash;
            }
            if (bytes.length != 32 || !ENCODER.encodeToString(bytes).equals(hash)) {
                return hash;
            }
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            return new HashKey(buf.getLong(), buf.getLong(), buf.getLong(), buf.getLong());
        }

        /** Equality of two keys from {@link #of}, in time independent of where they differ. */
        static boolean same(Object x, Object y) {
            if (x instanceof HashKey p && y instanceof HashKey q) {
                return ((p.a ^ q.a) | (p.b ^ q.b) | (p.c ^ q.c) | (p.d ^ q.d)) == 0;
            }
            if (x instanceof String p && y instanceof String q) {
                return InMemoryUserStore.sameSecret(p, q);
            }
            return false;
        }

        @Override
        public String toString() {
            return "HashKey[***]";
        }
    }
}
