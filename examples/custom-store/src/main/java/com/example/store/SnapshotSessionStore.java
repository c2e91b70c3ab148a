package com.example.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import org.portcullis.auth.api.RefreshTokenMatch;
import org.portcullis.auth.api.RefreshTokenMatch.State;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.RotationResult;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.SessionStore;

/**
 * A worked example of a custom {@link SessionStore}, written against {@code auth-api} alone
 * (the page docs/store-tck.md walks through it).
 *
 * <p>The twist: the whole store is one immutable {@link Snapshot} behind an
 * {@link AtomicReference}. A write computes the next snapshot from the current one and installs
 * it with {@code compareAndSet}; if another write got in first, it starts over from the newer
 * snapshot. Every operation, {@link #revokeAll} and {@link #purge} included, is therefore
 * atomic as a whole, and a reader always sees one consistent snapshot without taking a lock.
 * The price is a copy of the maps on each write, which suits a few thousand sessions, not a
 * million.
 */
public final class SnapshotSessionStore implements SessionStore {

    /** One session with its refresh-token lineage; {@code rotated} is newest first. */
    private record Lineage(Session session, String currentHash, List<Rotated> rotated) {
    }

    private record Rotated(String hash, Instant rotatedAt) {
    }

    /** Everything the store knows. Never mutated once published. */
    private record Snapshot(Map<String, Lineage> sessions, Map<String, String> sessionIdByHash) {
        static final Snapshot EMPTY = new Snapshot(Map.of(), Map.of());
    }

    /** A write's outcome: the next snapshot (or the same one, for "no change") and the answer. */
    private record Change<R>(Snapshot next, R result) {
    }

    private final AtomicReference<Snapshot> state = new AtomicReference<>(Snapshot.EMPTY);

    /** Runs one write atomically: compute the next snapshot, install it only if nobody else did first. */
    private <R> R write(Function<Snapshot, Change<R>> step) {
        while (true) {
            Snapshot before = state.get();
            Change<R> change = step.apply(before);
            if (change.next() == before || state.compareAndSet(before, change.next())) {
                return change.result();
            }
        }
    }

    @Override
    public void create(Session session, String refreshTokenHash) {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(refreshTokenHash, "refreshTokenHash");
        write(s -> {
            if (s.sessions().containsKey(session.id())) {
                throw new IllegalArgumentException("a session with this id already exists");
            }
            if (s.sessionIdByHash().containsKey(refreshTokenHash)) {
                // Never put the hash in a message: messages end up in logs.
                throw new IllegalArgumentException("a session with this refresh-token hash already exists");
            }
            Map<String, Lineage> sessions = new HashMap<>(s.sessions());
            sessions.put(session.id(), new Lineage(session, refreshTokenHash, List.of()));
            Map<String, String> hashes = new HashMap<>(s.sessionIdByHash());
            hashes.put(refreshTokenHash, session.id());
            return new Change<>(new Snapshot(sessions, hashes), null);
        });
    }

    @Override
    public Optional<Session> find(String sessionId) {
        return Optional.ofNullable(state.get().sessions().get(sessionId)).map(Lineage::session);
    }

    @Override
    public Optional<RefreshTokenMatch> findByRefreshTokenHash(String hash) {
        Snapshot s = state.get();
        Lineage lineage = Optional.ofNullable(s.sessionIdByHash().get(hash)).map(s.sessions()::get).orElse(null);
        if (lineage == null) {
            return Optional.empty();
        }
        if (same(lineage.currentHash(), hash)) {
            return Optional.of(new RefreshTokenMatch(lineage.session(), State.CURRENT, Optional.empty()));
        }
        for (int i = 0; i < lineage.rotated().size(); i++) {
            Rotated r = lineage.rotated().get(i);
            if (same(r.hash(), hash)) {
                return Optional.of(new RefreshTokenMatch(lineage.session(), i == 0 ? State.PREVIOUS : State.RETIRED,
                        Optional.of(r.rotatedAt())));
            }
        }
        return Optional.empty();
    }

    @Override
    public RotationResult rotate(String sessionId, String expectedHash, String newHash, Instant now,
                                 Instant newIdleExpiresAt) {
        return write(s -> {
            Lineage lineage = s.sessions().get(sessionId);
            if (lineage == null || !lineage.session().isActiveAt(now)) {
                return new Change<>(s, RotationResult.INACTIVE);
            }
            // The compare of compare-and-set: the expected hash must still be the current one.
            if (!same(lineage.currentHash(), expectedHash)) {
                return new Change<>(s, RotationResult.STALE);
            }
            if (s.sessionIdByHash().containsKey(newHash)) {
                throw new IllegalArgumentException("the new refresh-token hash is already in use");
            }
            List<Rotated> rotated = new ArrayList<>(lineage.rotated().size() + 1);
            rotated.add(new Rotated(expectedHash, now));
            rotated.addAll(lineage.rotated());
            Map<String, Lineage> sessions = new HashMap<>(s.sessions());
            sessions.put(sessionId, new Lineage(lineage.session().rotated(now, newIdleExpiresAt), newHash,
                    List.copyOf(rotated)));
            Map<String, String> hashes = new HashMap<>(s.sessionIdByHash());
            hashes.put(newHash, sessionId);
            return new Change<>(new Snapshot(sessions, hashes), RotationResult.ROTATED);
        });
    }

    @Override
    public boolean revoke(String sessionId, RevocationReason reason, Instant now) {
        return !revokeWhere(s -> s.id().equals(sessionId), reason, now).isEmpty();
    }

    @Override
    public List<String> revokeAll(String userId, RevocationReason reason, Instant now, Optional<String> exceptSessionId) {
        return revokeWhere(s -> s.userId().equals(userId) && !exceptSessionId.map(s.id()::equals).orElse(false),
                reason, now);
    }

    /** Revokes every not-yet-revoked session matching the filter in one atomic write. */
    private List<String> revokeWhere(java.util.function.Predicate<Session> filter, RevocationReason reason,
                                     Instant now) {
        return write(s -> {
            Map<String, Lineage> sessions = new HashMap<>(s.sessions());
            List<String> revoked = new ArrayList<>();
            for (Lineage l : s.sessions().values()) {
                if (l.session().revokedAt().isEmpty() && filter.test(l.session())) {
                    sessions.put(l.session().id(), new Lineage(l.session().revoked(now, reason), l.currentHash(),
                            l.rotated()));
                    revoked.add(l.session().id());
                }
            }
            return revoked.isEmpty() ? new Change<>(s, List.<String>of())
                    : new Change<>(new Snapshot(sessions, s.sessionIdByHash()), List.copyOf(revoked));
        });
    }

    @Override
    public List<Session> findActiveByUser(String userId, Instant now) {
        return state.get().sessions().values().stream()
                .map(Lineage::session)
                .filter(s -> s.userId().equals(userId) && s.isActiveAt(now))
                .sorted(Comparator.comparing(Session::createdAt).thenComparing(Session::id))
                .toList();
    }

    @Override
    public List<Session> purge(Instant now, Instant revokedBefore, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        return write(s -> {
            Map<String, Lineage> sessions = new HashMap<>(s.sessions());
            Map<String, String> hashes = new HashMap<>(s.sessionIdByHash());
            List<Session> purged = new ArrayList<>();
            for (Lineage l : s.sessions().values()) {
                if (purged.size() == limit) {
                    break;
                }
                Session session = l.session();
                boolean over = session.isExpiredAt(now)
                        || session.revokedAt().map(at -> !at.isAfter(revokedBefore)).orElse(false);
                if (over) {
                    sessions.remove(session.id());
                    hashes.remove(l.currentHash());
                    l.rotated().forEach(r -> hashes.remove(r.hash()));
                    purged.add(session);
                }
            }
            return purged.isEmpty() ? new Change<>(s, List.<Session>of())
                    : new Change<>(new Snapshot(sessions, hashes), Collections.unmodifiableList(purged));
        });
    }

    /** Constant-time comparison: hashes are derived from secrets (OWASP ASVS V2.4). */
    private static boolean same(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "SnapshotSessionStore[sessions=" + state.get().sessions().size() + "]";
    }
}
