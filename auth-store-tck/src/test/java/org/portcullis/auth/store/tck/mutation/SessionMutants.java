package org.portcullis.auth.store.tck.mutation;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditSink;
import org.portcullis.auth.api.ForwardingSessionStore;
import org.portcullis.auth.api.RefreshTokenMatch;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.RotationResult;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.SessionStore;
import org.portcullis.auth.api.StoreUnavailableException;
import org.portcullis.auth.store.tck.mutation.ReferenceSessionStore.Disk;
import org.portcullis.auth.store.tck.mutation.ReferenceSessionStore.Lineage;
import org.portcullis.auth.store.tck.mutation.ReferenceSessionStore.Rotated;

/**
 * Broken session stores, each wrapping a {@link ReferenceSessionStore} and breaking one behaviour
 * the engine relies on. Every kind issue 17 lists is here: lost state on restart, rounded time,
 * non-atomic writes, accepted duplicate hashes, hidden expired sessions, wrong rotate precedence,
 * a purge that leaves its index behind, expired sessions skipped by revoke and revokeAll.
 */
final class SessionMutants {

    private SessionMutants() {
    }

    /** The control: the reference store itself, which must pass. */
    static Mutant<Disk, SessionStore> reference() {
        return Mutant.of("the reference store", "-", (disk, clock) -> new ReferenceSessionStore(disk));
    }

    static List<Mutant<Disk, SessionStore>> all() {
        List<Mutant<Disk, SessionStore>> m = new ArrayList<>();
        // rotation
        m.add(wrap("rotate swaps whatever hash is current, without comparing", "secondRotationLoses", RotateWithoutCompare::new));
        m.add(wrap("rotate reads, then writes (not atomic)", "oneWinner", NonAtomicRotate::new));
        m.add(wrap("rotate answers STALE for a revoked session", "inactiveBeatsStaleWhenRevoked", StaleBeforeInactive::new));
        m.add(wrap("rotate accepts a new hash another session uses", "rotateToHashInUse", RotateAcceptsHashInUse::new));
        m.add(wrap("rotate keeps the old idle expiry", "movesTheSession", RotateKeepsIdleExpiry::new));
        m.add(wrap("rotate does not count the refresh", "movesTheSession", RotateDoesNotCount::new));
        m.add(wrap("rotate records its time rounded down to the second", "rotates", RotationTimeInSeconds::new));
        m.add(wrap("rotate keeps only the last 64 retired hashes", "longLineage", CappedLineage::new));
        // creating
        m.add(wrap("create overwrites a session with the same id", "duplicateId", CreateOverwritesId::new));
        m.add(wrap("create accepts a hash another session uses", "duplicateHash", CreateAcceptsHashInUse::new));
        m.add(wrap("create checks only current hashes, not retired ones", "createWithRetiredHash", CreateChecksCurrentOnly::new));
        m.add(wrap("create checks, then writes (not atomic)", "concurrentCreatesOfOneId", NonAtomicCreate::new));
        m.add(wrap("create rounds expiries down to the second", "foundById", s -> new ExpiriesRounded(s, false)));
        m.add(wrap("create rounds expiries up to the second", "foundById", s -> new ExpiriesRounded(s, true)));
        m.add(wrap("create's error names the hash", "errorHidesHash", ErrorNamesHash::new));
        // finding
        m.add(Mutant.of("findByRefreshTokenHash hides expired sessions", "expiredStillFound",
                (disk, clock) -> new HashHidesExpired(new ReferenceSessionStore(disk), clock)));
        m.add(wrap("findByRefreshTokenHash hides revoked sessions", "revokedFoundByHash", HashHidesRevoked::new));
        m.add(wrap("findByRefreshTokenHash forgets retired hashes", "wholeLineage", HashForgetsRetired::new));
        m.add(wrap("findByRefreshTokenHash calls every old hash PREVIOUS", "wholeLineage", EveryOldHashPrevious::new));
        m.add(wrap("find answers null for an unknown id", "noNulls", NullForUnknown::new));
        m.add(wrap("toString prints the refresh-token hashes", "toStringHidesHashes", ToStringPrintsHashes::new));
        // expiry
        m.add(wrap("sessions stay active one second past their expiry", "atIdle", ExpiryOneSecondLate::new));
        m.add(wrap("expiry is compared in whole seconds", "atIdle", ExpiryInWholeSeconds::new));
        // listing
        m.add(wrap("findActiveByUser lists revoked sessions", "activeOldestFirst", ListsRevoked::new));
        m.add(wrap("findActiveByUser lists newest first", "activeOldestFirst", ListsNewestFirst::new));
        m.add(wrap("countActiveByUser counts a session at its idle expiry", "countsActive", CountsOneMillisecondLate::new));
        // revoking
        m.add(wrap("revoke refuses an expired session", "revokeExpired", RevokeRefusesExpired::new));
        m.add(wrap("revoke overwrites the first revocation", "revokeTwice", RevokeOverwrites::new));
        m.add(wrap("revoke reads, then writes (not atomic)", "oneRevoke", NonAtomicRevoke::new));
        m.add(wrap("revokeAll skips expired sessions", "revokeAllIncludesExpired", RevokeAllSkipsExpired::new));
        m.add(wrap("revokeAll forgets the oldest session", "revokeAll", RevokeAllForgetsOne::new));
        m.add(wrap("revokeAll revokes the session it was told to keep", "revokeAllButOne", RevokeAllIgnoresExcept::new));
        m.add(wrap("revokeAll chooses, then writes (not atomic)", "revokeAllRace", NonAtomicRevokeAll::new));
        // purging
        m.add(wrap("purge ignores the batch limit", "batches", PurgeIgnoresLimit::new));
        m.add(wrap("purge reads a limit of zero as no limit", "limitBelowOne", ZeroLimitMeansAll::new));
        m.add(wrap("purge leaves the hash index behind", "forgetsHashes", PurgeLeavesHashIndex::new));
        m.add(wrap("purge keeps sessions revoked at the cutoff", "purgesRevoked", PurgeCutoffExclusive::new));
        m.add(wrap("purge only looks at the absolute expiry", "purgesExpired", PurgeIgnoresIdleExpiry::new));
        m.add(wrap("purge chooses, then deletes (not atomic)", "concurrentPurges", NonAtomicPurge::new));
        // durability
        m.add(Mutant.of("a restart forgets everything", "survivesRestart",
                (disk, clock) -> new ReferenceSessionStore(disk.sessions.isEmpty() ? disk : forgetAll(disk))));
        m.add(wrap("a restart forgets revocations", "revocationSurvivesRestart", RevocationsInMemoryOnly::new));
        m.add(wrap("a restart brings purged sessions back", "purgeSurvivesRestart", PurgesInMemoryOnly::new));
        m.add(Mutant.of("a restart forgets retired hashes", "lineageSurvivesRestart",
                (disk, clock) -> new ReferenceSessionStore(keepOnlyPrevious(disk))));
        m.add(Mutant.of("a restart forgets when each hash was rotated", "lineageSurvivesRestart",
                (disk, clock) -> new ReferenceSessionStore(forgetRotationTimes(disk))));
        // failing closed
        m.add(wrap("find answers empty when the backend is gone", "everyMethod", FindFailsOpen::new));
        m.add(wrap("ping succeeds when the backend is gone", "everyMethod", PingAlwaysSucceeds::new));
        m.add(wrap("rotateAndRecord records the event whether or not the rotation won", "recordsNothingWhenNotWon",
                RecordsWhateverHappened::new));
        m.add(wrap("rotateAndRecord records the event before the rotation, which a taken hash then refuses",
                "recordsNothingWhenRefused", RecordsBeforeRotating::new));
        m.add(wrap("createAndRecord records the event before the session, which a taken hash then refuses",
                "createRecordsNothingWhenRefused", RecordsBeforeCreating::new));
        m.add(wrap("rotateAndRecord leaves the hash it retires without its rotation time", "recordsWithRotation",
                RecordedRotationForgetsRetireTime::new));
        m.add(wrap("createAndRecord checks, then writes (not atomic)", "createRecordsOneWinner",
                NonAtomicCreateAndRecord::new));
        m.add(wrap("createAndRecord answers true when the backend is gone, storing nothing", "everyMethod",
                CreateAndRecordClaimsWhenDown::new));
        m.add(wrap("rotateAndRecord writes the event to its own log whatever sink it was given", "foreignSink",
                RecordsInOwnLogAlways::new));
        return m;
    }

    private static Mutant<Disk, SessionStore> wrap(String name, String caughtBy,
                                                   java.util.function.Function<ReferenceSessionStore, SessionStore> f) {
        return Mutant.of(name, caughtBy, (disk, clock) -> f.apply(new ReferenceSessionStore(disk)));
    }

    // ---- restarts that lose state: each rewrites the disk as the broken store would have left it ----

    private static Disk forgetAll(Disk disk) {
        synchronized (disk) {
            disk.sessions.clear();
        }
        return disk;
    }

    private static Disk keepOnlyPrevious(Disk disk) {
        synchronized (disk) {
            disk.sessions.replaceAll((id, l) -> new Lineage(l.session(), l.current(),
                    l.rotated().isEmpty() ? List.of() : List.of(l.rotated().get(0))));
        }
        return disk;
    }

    private static Disk forgetRotationTimes(Disk disk) {
        synchronized (disk) {
            disk.sessions.replaceAll((id, l) -> new Lineage(l.session(), l.current(), l.rotated().stream()
                    .map(r -> new Rotated(r.hash(), l.session().lastRefreshedAt())).toList()));
        }
        return disk;
    }

    /** Passes every call to the reference store; each mutant overrides what it breaks. */
    abstract static class Forwarding extends ForwardingSessionStore {
        final ReferenceSessionStore ref;

        Forwarding(ReferenceSessionStore ref) {
            super(ref);
            this.ref = ref;
        }

        @Override
        public String toString() {
            return getClass().getSimpleName();
        }
    }

    static final class RecordsBeforeCreating extends Forwarding {
        RecordsBeforeCreating(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public boolean createAndRecord(Session session, String hash, AuditSink audit, AuditEvent event) {
            if (audit != ref.disk.log) {
                return false;
            }
            audit.record(event);
            ref.create(session, hash);
            return true;
        }
    }

    /**
     * A second code path for the recorded rotation that moves the session and the new hash but
     * does not stamp the hash it retires (a rotation statement whose "retire" part is missing):
     * once that hash is two rotations old it reports the latest rotation time, not its own.
     */
    static final class RecordedRotationForgetsRetireTime extends Forwarding {
        RecordedRotationForgetsRetireTime(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public Optional<RotationResult> rotateAndRecord(String id, String expected, String next, Instant now,
                                                        Instant idle, AuditSink audit, AuditEvent event) {
            if (audit != ref.disk.log) {
                return Optional.empty();
            }
            synchronized (ref.disk) {
                RotationResult result = ref.rotate(id, expected, next, now, idle);
                if (result == RotationResult.ROTATED) {
                    Lineage l = ref.read(id).orElseThrow();
                    List<Rotated> stamped = new ArrayList<>();
                    l.rotated().forEach(r -> stamped.add(new Rotated(r.hash(), now)));
                    ref.write(new Lineage(l.session(), l.current(), stamped));
                    audit.record(event);
                }
                return Optional.of(result);
            }
        }
    }

    static final class NonAtomicCreateAndRecord extends Forwarding {
        NonAtomicCreateAndRecord(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public boolean createAndRecord(Session session, String hash, AuditSink audit, AuditEvent event) {
            if (audit != ref.disk.log) {
                return false;
            }
            if (ref.read(session.id()).isPresent() || ref.findByRefreshTokenHash(hash).isPresent()) {
                throw new IllegalArgumentException("taken");
            }
            Mutant.gap();
            ref.write(new Lineage(session, hash, List.of()));
            audit.record(event);
            return true;
        }
    }

    /** Declines a foreign sink as it should, but has already written the event to its own log. */
    static final class RecordsInOwnLogAlways extends Forwarding {
        RecordsInOwnLogAlways(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public Optional<RotationResult> rotateAndRecord(String id, String expected, String next, Instant now,
                                                        Instant idle, AuditSink audit, AuditEvent event) {
            if (audit != ref.disk.log) {
                ref.disk.log.record(event);
                return Optional.empty();
            }
            return ref.rotateAndRecord(id, expected, next, now, idle, audit, event);
        }
    }

    static final class CreateAndRecordClaimsWhenDown extends Forwarding {
        CreateAndRecordClaimsWhenDown(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public boolean createAndRecord(Session session, String hash, AuditSink audit, AuditEvent event) {
            if (audit == ref.disk.log && ref.disk.down) {
                return true;
            }
            return ref.createAndRecord(session, hash, audit, event);
        }
    }

    static final class RecordsWhateverHappened extends Forwarding {
        RecordsWhateverHappened(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public Optional<RotationResult> rotateAndRecord(String id, String expected, String next, Instant now,
                                                        Instant idle, AuditSink audit, AuditEvent event) {
            if (audit != ref.disk.log) {
                return Optional.empty();
            }
            RotationResult result = ref.rotate(id, expected, next, now, idle);
            audit.record(event);
            return Optional.of(result);
        }
    }

    static final class RecordsBeforeRotating extends Forwarding {
        RecordsBeforeRotating(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public Optional<RotationResult> rotateAndRecord(String id, String expected, String next, Instant now,
                                                        Instant idle, AuditSink audit, AuditEvent event) {
            if (audit != ref.disk.log) {
                return Optional.empty();
            }
            audit.record(event);
            return Optional.of(ref.rotate(id, expected, next, now, idle));
        }
    }

    static final class RotateWithoutCompare extends Forwarding {
        RotateWithoutCompare(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public RotationResult rotate(String id, String expected, String next, Instant now, Instant idle) {
            String actual = ref.read(id).map(Lineage::current).orElse(expected);
            return ref.rotate(id, actual, next, now, idle);
        }
    }

    static final class NonAtomicRotate extends Forwarding {
        NonAtomicRotate(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public RotationResult rotate(String id, String expected, String next, Instant now, Instant idle) {
            Optional<Lineage> l = ref.read(id);
            if (l.isEmpty() || !l.get().session().isActiveAt(now)) {
                return RotationResult.INACTIVE;
            }
            if (!l.get().current().equals(expected)) {
                return RotationResult.STALE;
            }
            Mutant.gap();
            ref.write(l.get().rotatedTo(next, now, idle));
            return RotationResult.ROTATED;
        }
    }

    static final class StaleBeforeInactive extends Forwarding {
        StaleBeforeInactive(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public RotationResult rotate(String id, String expected, String next, Instant now, Instant idle) {
            Optional<Lineage> l = ref.read(id);
            if (l.isPresent() && !l.get().current().equals(expected)) {
                return RotationResult.STALE;
            }
            return ref.rotate(id, expected, next, now, idle);
        }
    }

    static final class RotateAcceptsHashInUse extends Forwarding {
        RotateAcceptsHashInUse(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public RotationResult rotate(String id, String expected, String next, Instant now, Instant idle) {
            try {
                return ref.rotate(id, expected, next, now, idle);
            } catch (IllegalArgumentException inUse) {
                ref.write(ref.read(id).orElseThrow().rotatedTo(next, now, idle));
                return RotationResult.ROTATED;
            }
        }
    }

    static final class RotateKeepsIdleExpiry extends Forwarding {
        RotateKeepsIdleExpiry(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public RotationResult rotate(String id, String expected, String next, Instant now, Instant idle) {
            Instant old = ref.read(id).map(l -> l.session().idleExpiresAt()).orElse(idle);
            return ref.rotate(id, expected, next, now, old);
        }
    }

    static final class RotateDoesNotCount extends Forwarding {
        RotateDoesNotCount(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public RotationResult rotate(String id, String expected, String next, Instant now, Instant idle) {
            RotationResult r = ref.rotate(id, expected, next, now, idle);
            if (r == RotationResult.ROTATED) {
                Lineage l = ref.read(id).orElseThrow();
                Session s = l.session();
                ref.write(l.with(new Session(s.id(), s.userId(), s.username(), s.roles(), s.createdAt(),
                        s.lastRefreshedAt(), s.idleExpiresAt(), s.absoluteExpiresAt(), s.client(), s.refreshCount() - 1,
                        s.revokedAt(), s.revocationReason())));
            }
            return r;
        }
    }

    static final class RotationTimeInSeconds extends Forwarding {
        RotationTimeInSeconds(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public RotationResult rotate(String id, String expected, String next, Instant now, Instant idle) {
            return ref.rotate(id, expected, next, now.truncatedTo(ChronoUnit.SECONDS), idle);
        }
    }

    static final class CappedLineage extends Forwarding {
        CappedLineage(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public RotationResult rotate(String id, String expected, String next, Instant now, Instant idle) {
            RotationResult r = ref.rotate(id, expected, next, now, idle);
            Lineage l = ref.read(id).orElse(null);
            if (l != null && l.rotated().size() > 64) {
                ref.write(new Lineage(l.session(), l.current(), l.rotated().subList(0, 64)));
            }
            return r;
        }
    }

    static final class CreateOverwritesId extends Forwarding {
        CreateOverwritesId(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public void create(Session session, String hash) {
            if (ref.findByRefreshTokenHash(hash).isPresent()) {
                throw new IllegalArgumentException("this refresh-token hash is in use");
            }
            ref.write(new Lineage(session, hash, List.of()));
        }
    }

    static final class CreateAcceptsHashInUse extends Forwarding {
        CreateAcceptsHashInUse(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public void create(Session session, String hash) {
            if (ref.read(session.id()).isPresent()) {
                throw new IllegalArgumentException("a session with this id exists");
            }
            ref.write(new Lineage(session, hash, List.of()));
        }
    }

    static final class CreateChecksCurrentOnly extends Forwarding {
        CreateChecksCurrentOnly(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public void create(Session session, String hash) {
            boolean current = ref.readAll().stream().anyMatch(l -> l.current().equals(hash));
            if (ref.read(session.id()).isPresent() || current) {
                throw new IllegalArgumentException("taken");
            }
            ref.write(new Lineage(session, hash, List.of()));
        }
    }

    static final class NonAtomicCreate extends Forwarding {
        NonAtomicCreate(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public void create(Session session, String hash) {
            if (ref.read(session.id()).isPresent() || ref.findByRefreshTokenHash(hash).isPresent()) {
                throw new IllegalArgumentException("taken");
            }
            Mutant.gap();
            ref.write(new Lineage(session, hash, List.of()));
        }
    }

    static final class ExpiriesRounded extends Forwarding {
        private final boolean up;

        ExpiriesRounded(ReferenceSessionStore ref, boolean up) {
            super(ref);
            this.up = up;
        }

        private Instant round(Instant t) {
            Instant down = t.truncatedTo(ChronoUnit.SECONDS);
            return up && !down.equals(t) ? down.plusSeconds(1) : down;
        }

        @Override
        public void create(Session s, String hash) {
            ref.create(new Session(s.id(), s.userId(), s.username(), s.roles(), s.createdAt(), s.lastRefreshedAt(),
                    round(s.idleExpiresAt()), round(s.absoluteExpiresAt()), s.client(), s.refreshCount(), s.revokedAt(),
                    s.revocationReason()), hash);
        }
    }

    static final class ErrorNamesHash extends Forwarding {
        ErrorNamesHash(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public void create(Session session, String hash) {
            try {
                ref.create(session, hash);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("refresh-token hash " + hash + " is taken", e);
            }
        }
    }

    static final class HashHidesExpired extends Forwarding {
        private final Clock clock;

        HashHidesExpired(ReferenceSessionStore ref, Clock clock) {
            super(ref);
            this.clock = clock;
        }

        @Override
        public Optional<RefreshTokenMatch> findByRefreshTokenHash(String hash) {
            return ref.findByRefreshTokenHash(hash).filter(m -> !m.session().isExpiredAt(clock.instant()));
        }
    }

    static final class HashHidesRevoked extends Forwarding {
        HashHidesRevoked(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public Optional<RefreshTokenMatch> findByRefreshTokenHash(String hash) {
            return ref.findByRefreshTokenHash(hash).filter(m -> m.session().revokedAt().isEmpty());
        }
    }

    static final class HashForgetsRetired extends Forwarding {
        HashForgetsRetired(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public Optional<RefreshTokenMatch> findByRefreshTokenHash(String hash) {
            return ref.findByRefreshTokenHash(hash).filter(m -> m.state() != RefreshTokenMatch.State.RETIRED);
        }
    }

    static final class EveryOldHashPrevious extends Forwarding {
        EveryOldHashPrevious(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public Optional<RefreshTokenMatch> findByRefreshTokenHash(String hash) {
            return ref.findByRefreshTokenHash(hash).map(m -> m.state() == RefreshTokenMatch.State.RETIRED
                    ? new RefreshTokenMatch(m.session(), RefreshTokenMatch.State.PREVIOUS, m.rotatedAt()) : m);
        }
    }

    static final class NullForUnknown extends Forwarding {
        NullForUnknown(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        @SuppressWarnings("OptionalAssignedToNull")
        public Optional<Session> find(String sessionId) {
            Optional<Session> found = ref.find(sessionId);
            return found.isPresent() ? found : null;
        }
    }

    static final class ToStringPrintsHashes extends Forwarding {
        ToStringPrintsHashes(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public String toString() {
            return "ToStringPrintsHashes" + ref.readAll().stream().map(l -> l.current() + l.rotated()).toList();
        }
    }

    static final class ExpiryOneSecondLate extends Forwarding {
        ExpiryOneSecondLate(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public RotationResult rotate(String id, String expected, String next, Instant now, Instant idle) {
            return ref.rotate(id, expected, next, now.minusSeconds(1), idle);
        }

        @Override
        public List<Session> findActiveByUser(String userId, Instant now) {
            return ref.findActiveByUser(userId, now.minusSeconds(1));
        }

        @Override
        public List<Session> purge(Instant now, Instant revokedBefore, int limit) {
            return ref.purge(now.minusSeconds(1), revokedBefore, limit);
        }
    }

    static final class ExpiryInWholeSeconds extends Forwarding {
        ExpiryInWholeSeconds(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public RotationResult rotate(String id, String expected, String next, Instant now, Instant idle) {
            Optional<Lineage> l = ref.read(id);
            if (l.isPresent() && l.get().session().isActiveAt(now.truncatedTo(ChronoUnit.SECONDS))
                    && l.get().current().equals(expected) && l.get().session().revokedAt().isEmpty()) {
                ref.write(l.get().rotatedTo(next, now, idle));
                return RotationResult.ROTATED;
            }
            return ref.rotate(id, expected, next, now, idle);
        }

        @Override
        public List<Session> findActiveByUser(String userId, Instant now) {
            return ref.findActiveByUser(userId, now.truncatedTo(ChronoUnit.SECONDS));
        }
    }

    static final class ListsRevoked extends Forwarding {
        ListsRevoked(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public List<Session> findActiveByUser(String userId, Instant now) {
            return ref.readAll().stream().map(Lineage::session)
                    .filter(s -> s.userId().equals(userId) && !s.isExpiredAt(now))
                    .sorted(Comparator.comparing(Session::createdAt).thenComparing(Session::id)).toList();
        }
    }

    static final class CountsOneMillisecondLate extends Forwarding {
        CountsOneMillisecondLate(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public int countActiveByUser(String userId, Instant now) {
            return ref.findActiveByUser(userId, now.minusMillis(1)).size();
        }
    }

    static final class ListsNewestFirst extends Forwarding {
        ListsNewestFirst(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public List<Session> findActiveByUser(String userId, Instant now) {
            List<Session> list = new ArrayList<>(ref.findActiveByUser(userId, now));
            java.util.Collections.reverse(list);
            return list;
        }
    }

    static final class RevokeRefusesExpired extends Forwarding {
        RevokeRefusesExpired(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public boolean revoke(String id, RevocationReason reason, Instant now) {
            if (ref.read(id).map(l -> l.session().isExpiredAt(now)).orElse(false)) {
                return false;
            }
            return ref.revoke(id, reason, now);
        }
    }

    static final class RevokeOverwrites extends Forwarding {
        RevokeOverwrites(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public boolean revoke(String id, RevocationReason reason, Instant now) {
            Optional<Lineage> l = ref.read(id);
            if (l.isEmpty()) {
                return false;
            }
            ref.write(l.get().with(l.get().session().revoked(now, reason)));
            return l.get().session().revokedAt().isEmpty();
        }
    }

    static final class NonAtomicRevoke extends Forwarding {
        NonAtomicRevoke(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public boolean revoke(String id, RevocationReason reason, Instant now) {
            Optional<Lineage> l = ref.read(id);
            if (l.isEmpty() || l.get().session().revokedAt().isPresent()) {
                return false;
            }
            Mutant.gap();
            ref.write(ref.read(id).orElseThrow().with(l.get().session().revoked(now, reason)));
            return true;
        }
    }

    static final class RevokeAllSkipsExpired extends Forwarding {
        RevokeAllSkipsExpired(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public List<String> revokeAll(String userId, RevocationReason reason, Instant now, Optional<String> except) {
            List<String> done = new ArrayList<>();
            for (Session s : ref.findActiveByUser(userId, now)) {
                if (!except.equals(Optional.of(s.id())) && ref.revoke(s.id(), reason, now)) {
                    done.add(s.id());
                }
            }
            return done;
        }
    }

    static final class RevokeAllForgetsOne extends Forwarding {
        RevokeAllForgetsOne(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public List<String> revokeAll(String userId, RevocationReason reason, Instant now, Optional<String> except) {
            if (except.isPresent()) {
                return ref.revokeAll(userId, reason, now, except);
            }
            List<Session> active = ref.findActiveByUser(userId, now);
            return ref.revokeAll(userId, reason, now, active.isEmpty() ? Optional.empty() : Optional.of(active.get(0).id()));
        }
    }

    static final class RevokeAllIgnoresExcept extends Forwarding {
        RevokeAllIgnoresExcept(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public List<String> revokeAll(String userId, RevocationReason reason, Instant now, Optional<String> except) {
            return ref.revokeAll(userId, reason, now, Optional.empty());
        }
    }

    static final class NonAtomicRevokeAll extends Forwarding {
        NonAtomicRevokeAll(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public List<String> revokeAll(String userId, RevocationReason reason, Instant now, Optional<String> except) {
            List<Lineage> chosen = ref.readAll().stream()
                    .filter(l -> l.session().userId().equals(userId) && l.session().revokedAt().isEmpty())
                    .filter(l -> !except.equals(Optional.of(l.session().id()))).toList();
            Mutant.gap();
            List<String> done = new ArrayList<>();
            for (Lineage l : chosen) {
                ref.write(l.with(l.session().revoked(now, reason)));
                done.add(l.session().id());
            }
            return done;
        }
    }

    static final class PurgeIgnoresLimit extends Forwarding {
        PurgeIgnoresLimit(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public List<Session> purge(Instant now, Instant revokedBefore, int limit) {
            return ref.purge(now, revokedBefore, Integer.MAX_VALUE);
        }
    }

    /** Reads a limit of zero as "no limit": one unbounded delete (keycloak#20073). */
    static final class ZeroLimitMeansAll extends Forwarding {
        ZeroLimitMeansAll(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public List<Session> purge(Instant now, Instant revokedBefore, int limit) {
            return ref.purge(now, revokedBefore, limit < 1 ? Integer.MAX_VALUE : limit);
        }
    }

    /** Keeps its own hash index beside the sessions, and forgets to clean it on purge. */
    static final class PurgeLeavesHashIndex extends Forwarding {
        private final Map<String, String> index = new ConcurrentHashMap<>();
        private final Map<String, Lineage> lastSeen = new ConcurrentHashMap<>();

        PurgeLeavesHashIndex(ReferenceSessionStore ref) {
            super(ref);
        }

        private void remember(String id) {
            ref.read(id).ifPresent(l -> {
                lastSeen.put(id, l);
                index.put(l.current(), id);
                l.rotated().forEach(r -> index.put(r.hash(), id));
            });
        }

        @Override
        public void create(Session session, String hash) {
            ref.create(session, hash);
            remember(session.id());
        }

        @Override
        public RotationResult rotate(String id, String expected, String next, Instant now, Instant idle) {
            RotationResult r = ref.rotate(id, expected, next, now, idle);
            remember(id);
            return r;
        }

        @Override
        public Optional<RefreshTokenMatch> findByRefreshTokenHash(String hash) {
            Optional<RefreshTokenMatch> found = ref.findByRefreshTokenHash(hash);
            if (found.isPresent()) {
                return found;
            }
            String id = index.get(hash);
            return id == null ? Optional.empty() : lastSeen.get(id).match(hash);
        }
    }

    static final class PurgeCutoffExclusive extends Forwarding {
        PurgeCutoffExclusive(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public List<Session> purge(Instant now, Instant revokedBefore, int limit) {
            return ref.purge(now, revokedBefore.minusMillis(1), limit);
        }
    }

    static final class PurgeIgnoresIdleExpiry extends Forwarding {
        PurgeIgnoresIdleExpiry(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public List<Session> purge(Instant now, Instant revokedBefore, int limit) {
            List<Session> gone = ref.readAll().stream().map(Lineage::session)
                    .filter(s -> !now.isBefore(s.absoluteExpiresAt())
                            || s.revokedAt().map(at -> !at.isAfter(revokedBefore)).orElse(false))
                    .limit(limit).toList();
            gone.forEach(s -> ref.delete(s.id()));
            return gone;
        }
    }

    static final class NonAtomicPurge extends Forwarding {
        NonAtomicPurge(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public List<Session> purge(Instant now, Instant revokedBefore, int limit) {
            List<Session> chosen = ref.readAll().stream().map(Lineage::session)
                    .filter(s -> ReferenceSessionStore.isOver(s, now, revokedBefore)).limit(limit).toList();
            Mutant.gap();
            chosen.forEach(s -> ref.delete(s.id()));
            return chosen;
        }
    }

    /** Keeps revocations in this instance only, as a write-back cache that never reaches the disk. */
    static final class RevocationsInMemoryOnly extends Forwarding {
        private final Map<String, Session> revoked = new ConcurrentHashMap<>();

        RevocationsInMemoryOnly(ReferenceSessionStore ref) {
            super(ref);
        }

        private Session view(Session s) {
            return revoked.getOrDefault(s.id(), s);
        }

        @Override
        public Optional<Session> find(String id) {
            return ref.find(id).map(this::view);
        }

        @Override
        public Optional<RefreshTokenMatch> findByRefreshTokenHash(String hash) {
            return ref.findByRefreshTokenHash(hash).map(m -> new RefreshTokenMatch(view(m.session()), m.state(), m.rotatedAt()));
        }

        @Override
        public boolean revoke(String id, RevocationReason reason, Instant now) {
            Optional<Session> s = find(id);
            if (s.isEmpty() || s.get().revokedAt().isPresent()) {
                return false;
            }
            revoked.put(id, s.get().revoked(now, reason));
            return true;
        }

        @Override
        public List<String> revokeAll(String userId, RevocationReason reason, Instant now, Optional<String> except) {
            List<String> done = new ArrayList<>();
            for (Lineage l : ref.readAll()) {
                String id = l.session().id();
                if (l.session().userId().equals(userId) && !except.equals(Optional.of(id)) && revoke(id, reason, now)) {
                    done.add(id);
                }
            }
            return done;
        }

        @Override
        public RotationResult rotate(String id, String expected, String next, Instant now, Instant idle) {
            return revoked.containsKey(id) ? RotationResult.INACTIVE : ref.rotate(id, expected, next, now, idle);
        }

        @Override
        public List<Session> findActiveByUser(String userId, Instant now) {
            return ref.findActiveByUser(userId, now).stream().filter(s -> !revoked.containsKey(s.id())).toList();
        }
    }

    /** Marks purged sessions as gone in this instance only; the disk still holds them. */
    static final class PurgesInMemoryOnly extends Forwarding {
        private final Set<String> gone = ConcurrentHashMap.newKeySet();

        PurgesInMemoryOnly(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public Optional<Session> find(String id) {
            return gone.contains(id) ? Optional.empty() : ref.find(id);
        }

        @Override
        public Optional<RefreshTokenMatch> findByRefreshTokenHash(String hash) {
            return ref.findByRefreshTokenHash(hash).filter(m -> !gone.contains(m.session().id()));
        }

        @Override
        public List<Session> purge(Instant now, Instant revokedBefore, int limit) {
            List<Session> chosen = ref.readAll().stream().map(Lineage::session)
                    .filter(s -> !gone.contains(s.id()) && ReferenceSessionStore.isOver(s, now, revokedBefore))
                    .limit(limit).toList();
            chosen.forEach(s -> gone.add(s.id()));
            return chosen;
        }
    }

    static final class FindFailsOpen extends Forwarding {
        FindFailsOpen(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public Optional<Session> find(String id) {
            try {
                return ref.find(id);
            } catch (StoreUnavailableException e) {
                return Optional.empty();
            }
        }
    }

    static final class PingAlwaysSucceeds extends Forwarding {
        PingAlwaysSucceeds(ReferenceSessionStore ref) {
            super(ref);
        }

        @Override
        public void ping() {
        }
    }
}
