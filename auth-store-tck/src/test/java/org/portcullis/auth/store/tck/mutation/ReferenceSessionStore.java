package org.portcullis.auth.store.tck.mutation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditSink;
import org.portcullis.auth.api.RefreshTokenMatch;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.RotationResult;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.SessionStore;
import org.portcullis.auth.api.StoreUnavailableException;

/**
 * A session store written to be obviously right rather than fast: one map, every method
 * {@code synchronized} on the {@link Disk} it keeps its state in, hashes found by a linear scan.
 * A second instance over the same disk is the store "after a restart". The broken stores wrap it,
 * and may also use its unchecked primitives ({@link #read}, {@link #write}, {@link #delete}) to
 * build the read-then-write bugs they model.
 */
final class ReferenceSessionStore implements SessionStore {

    /** What survives a restart, and the switch that takes the backend away. */
    static final class Disk {
        final Map<String, Lineage> sessions = new HashMap<>();
        /** The audit log the store writes a rotation's event to ({@link #rotateAndRecord}). */
        final ReferenceAuditLog log = new ReferenceAuditLog(new ReferenceAuditLog.Disk());
        volatile boolean down;
    }

    /** A hash rotated away at {@code at}. */
    record Rotated(String hash, Instant at) {
    }

    /** One session with its current hash and the hashes rotated away, newest first. */
    record Lineage(Session session, String current, List<Rotated> rotated) {
        Lineage {
            rotated = List.copyOf(rotated);
        }

        boolean has(String hash) {
            return current.equals(hash) || rotated.stream().anyMatch(r -> r.hash().equals(hash));
        }

        Optional<RefreshTokenMatch> match(String hash) {
            if (current.equals(hash)) {
                return Optional.of(new RefreshTokenMatch(session, RefreshTokenMatch.State.CURRENT, Optional.empty()));
            }
            for (int i = 0; i < rotated.size(); i++) {
                if (rotated.get(i).hash().equals(hash)) {
                    return Optional.of(new RefreshTokenMatch(session,
                            i == 0 ? RefreshTokenMatch.State.PREVIOUS : RefreshTokenMatch.State.RETIRED,
                            Optional.of(rotated.get(i).at())));
                }
            }
            return Optional.empty();
        }

        Lineage with(Session changed) {
            return new Lineage(changed, current, rotated);
        }

        Lineage rotatedTo(String next, Instant now, Instant idle) {
            List<Rotated> older = new ArrayList<>();
            older.add(new Rotated(current, now));
            older.addAll(rotated);
            return new Lineage(session.rotated(now, idle), next, older);
        }
    }

    private static final Comparator<Session> OLDEST_FIRST =
            Comparator.comparing(Session::createdAt).thenComparing(Session::id);

    final Disk disk;

    ReferenceSessionStore(Disk disk) {
        this.disk = disk;
    }

    private void up() {
        if (disk.down) {
            throw new StoreUnavailableException("the reference store's backend is gone");
        }
    }

    private boolean inUse(String hash) {
        return disk.sessions.values().stream().anyMatch(l -> l.has(hash));
    }

    @Override
    public void create(Session session, String refreshTokenHash) {
        synchronized (disk) {
            up();
            if (disk.sessions.containsKey(session.id())) {
                throw new IllegalArgumentException("a session with this id exists");
            }
            if (inUse(refreshTokenHash)) {
                throw new IllegalArgumentException("this refresh-token hash is in use");
            }
            disk.sessions.put(session.id(), new Lineage(session, refreshTokenHash, List.of()));
        }
    }

    /** Its own log only, the session and the event under one lock, so that both are stored or neither. */
    @Override
    public boolean createAndRecord(Session session, String refreshTokenHash, AuditSink audit, AuditEvent event) {
        if (audit != disk.log) {
            return false;
        }
        synchronized (disk) {
            create(session, refreshTokenHash);
            disk.log.record(event);
            return true;
        }
    }

    /** Its own log only, the rotation and the event under one lock, so that both happen or neither. */
    @Override
    public Optional<RotationResult> rotateAndRecord(String sessionId, String expectedHash, String newHash, Instant now,
                                                    Instant newIdleExpiresAt, AuditSink audit, AuditEvent eventIfRotated) {
        if (audit != disk.log) {
            return Optional.empty();
        }
        synchronized (disk) {
            RotationResult result = rotate(sessionId, expectedHash, newHash, now, newIdleExpiresAt);
            if (result == RotationResult.ROTATED) {
                disk.log.record(eventIfRotated);
            }
            return Optional.of(result);
        }
    }

    @Override
    public Optional<Session> find(String sessionId) {
        synchronized (disk) {
            up();
            return Optional.ofNullable(disk.sessions.get(sessionId)).map(Lineage::session);
        }
    }

    @Override
    public Optional<RefreshTokenMatch> findByRefreshTokenHash(String refreshTokenHash) {
        synchronized (disk) {
            up();
            return disk.sessions.values().stream().map(l -> l.match(refreshTokenHash))
                    .flatMap(Optional::stream).findFirst();
        }
    }

    @Override
    public RotationResult rotate(String sessionId, String expectedHash, String newHash, Instant now,
                                 Instant newIdleExpiresAt) {
        synchronized (disk) {
            up();
            Lineage l = disk.sessions.get(sessionId);
            if (l == null || !l.session().isActiveAt(now)) {
                return RotationResult.INACTIVE;
            }
            if (!l.current().equals(expectedHash)) {
                return RotationResult.STALE;
            }
            if (inUse(newHash)) {
                throw new IllegalArgumentException("the new refresh-token hash is in use");
            }
            disk.sessions.put(sessionId, l.rotatedTo(newHash, now, newIdleExpiresAt));
            return RotationResult.ROTATED;
        }
    }

    @Override
    public boolean revoke(String sessionId, RevocationReason reason, Instant now) {
        synchronized (disk) {
            up();
            Lineage l = disk.sessions.get(sessionId);
            if (l == null || l.session().revokedAt().isPresent()) {
                return false;
            }
            disk.sessions.put(sessionId, l.with(l.session().revoked(now, reason)));
            return true;
        }
    }

    @Override
    public List<String> revokeAll(String userId, RevocationReason reason, Instant now, Optional<String> exceptSessionId) {
        synchronized (disk) {
            up();
            List<String> revoked = new ArrayList<>();
            for (Lineage l : List.copyOf(disk.sessions.values())) {
                Session s = l.session();
                if (s.userId().equals(userId) && s.revokedAt().isEmpty() && !exceptSessionId.equals(Optional.of(s.id()))) {
                    disk.sessions.put(s.id(), l.with(s.revoked(now, reason)));
                    revoked.add(s.id());
                }
            }
            return revoked;
        }
    }

    @Override
    public List<Session> findActiveByUser(String userId, Instant now) {
        synchronized (disk) {
            up();
            return disk.sessions.values().stream().map(Lineage::session)
                    .filter(s -> s.userId().equals(userId) && s.isActiveAt(now)).sorted(OLDEST_FIRST).toList();
        }
    }

    @Override
    public List<Session> purge(Instant now, Instant revokedBefore, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        synchronized (disk) {
            up();
            List<Session> over = disk.sessions.values().stream().map(Lineage::session)
                    .filter(s -> isOver(s, now, revokedBefore)).limit(limit).toList();
            over.forEach(s -> disk.sessions.remove(s.id()));
            return over;
        }
    }

    static boolean isOver(Session s, Instant now, Instant revokedBefore) {
        return s.isExpiredAt(now) || s.revokedAt().map(at -> !at.isAfter(revokedBefore)).orElse(false);
    }

    @Override
    public void ping() {
        up();
    }

    // ---- unchecked primitives for the broken stores: each is atomic alone, never together ----

    Optional<Lineage> read(String sessionId) {
        synchronized (disk) {
            up();
            return Optional.ofNullable(disk.sessions.get(sessionId));
        }
    }

    List<Lineage> readAll() {
        synchronized (disk) {
            up();
            return List.copyOf(disk.sessions.values());
        }
    }

    void write(Lineage lineage) {
        synchronized (disk) {
            up();
            disk.sessions.put(lineage.session().id(), Objects.requireNonNull(lineage));
        }
    }

    void delete(String sessionId) {
        synchronized (disk) {
            up();
            disk.sessions.remove(sessionId);
        }
    }

    @Override
    public String toString() {
        return "ReferenceSessionStore";
    }
}
