package org.portcullis.auth.store.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuditLog;
import org.portcullis.auth.api.AuditQuery;
import org.portcullis.auth.api.AuditSink;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.RefreshTokenMatch;
import org.portcullis.auth.api.RefreshTokenMatch.State;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.RotationResult;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.SessionStore;

/**
 * The behaviour every {@link SessionStore} must show. Extend it, override {@link #createStore},
 * and the store inherits every check below:
 *
 * <pre>{@code
 * class MySessionStoreTest extends SessionStoreContract {
 *     @Override
 *     protected SessionStore createStore(MutableClock clock) {
 *         return new MySessionStore(dataSource);
 *     }
 * }
 * }</pre>
 *
 * <p>Optional capabilities: durability ({@link #reopen}), recording with the rotation
 * ({@link #ownAuditLog}) and failing closed
 * ({@link #canMakeUnavailable()}); override {@link #newUserId()} if sessions must name a user
 * that exists in your backend.
 */
@DisplayName("SessionStore contract")
public abstract class SessionStoreContract extends StoreContract<SessionStore> {

    /** Idle lifetime of the sessions the suite creates. */
    protected static final Duration IDLE = Duration.ofHours(1);
    /** Absolute lifetime of the sessions the suite creates. */
    protected static final Duration ABSOLUTE = Duration.ofHours(8);

    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * A user id for a new session. The default is a random UUID; override it to create the user
     * first when your backend requires sessions to reference an existing user.
     */
    protected String newUserId() {
        return UUID.randomUUID().toString();
    }

    /**
     * Optional capability: recording with the write. A store that writes the audit event in its
     * own rotation ({@link SessionStore#rotateAndRecord}) and creation
     * ({@link SessionStore#createAndRecord}) returns here the {@link AuditLog} it writes to, over
     * the same backing data, to have the suite check that the write and its event are stored
     * together or not at all. The default returns empty and those checks are skipped; every store
     * is still checked to decline a sink that is not its own cleanly.
     */
    protected Optional<AuditLog> ownAuditLog(SessionStore store) {
        return Optional.empty();
    }

    /** A random value shaped like the engine's refresh-token hashes (base64url SHA-256). */
    protected static String newHash() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A new session of {@code userId} starting now, with the suite's lifetimes. */
    protected Session newSession(String userId) {
        Instant now = clock.instant();
        return Session.start(UUID.randomUUID().toString(), userId, "user-" + userId,
                Set.of("user", "reader"), now, now.plus(IDLE), now.plus(ABSOLUTE),
                new ClientInfo("192.0.2.10", "ContractSuite/1.0"));
    }

    /** Stores a new session of {@code userId} with {@code hash} as its refresh-token hash. */
    protected Session created(String userId, String hash) {
        Session session = newSession(userId);
        store.create(session, hash);
        return session;
    }

    private RotationResult rotateNow(Session session, String expected, String next) {
        Instant now = clock.instant();
        return store.rotate(session.id(), expected, next, now, min(now.plus(IDLE), session.absoluteExpiresAt()));
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private RefreshTokenMatch match(String hash) {
        return store.findByRefreshTokenHash(hash).orElseThrow(() -> new AssertionError("hash not found"));
    }

    private Session stored(Session session) {
        return store.find(session.id()).orElseThrow(() -> new AssertionError("session not found"));
    }

    @Test
    @DisplayName("creating and finding: a created session is found by its id, field for field")
    void foundById() {
        Session session = created(newUserId(), newHash());
        assertThat(store.find(session.id())).contains(session);
    }

    @Test
    @DisplayName("creating and finding: the first refresh-token hash is the session's current one")
    void firstHashIsCurrent() {
        String hash = newHash();
        Session session = created(newUserId(), hash);
        RefreshTokenMatch match = match(hash);
        assertThat(match.state()).isEqualTo(State.CURRENT);
        assertThat(match.rotatedAt()).isEmpty();
        assertThat(match.session()).isEqualTo(session);
    }

    @Test
    @DisplayName("creating and finding: an unknown id and an unknown hash find nothing")
    void unknown() {
        created(newUserId(), newHash());
        assertThat(store.find(UUID.randomUUID().toString())).isEmpty();
        assertThat(store.findByRefreshTokenHash(newHash())).isEmpty();
    }

    @Test
    @DisplayName("creating and finding: a second session with the same id is refused and the first is kept")
    void duplicateId() {
        String hash = newHash();
        Session first = created(newUserId(), hash);
        Session clash = Session.start(first.id(), newUserId(), "other", Set.of(), clock.instant(),
                clock.instant().plus(IDLE), clock.instant().plus(ABSOLUTE), ClientInfo.UNKNOWN);
        String clashHash = newHash();

        assertThatThrownBy(() -> store.create(clash, clashHash)).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.find(first.id())).contains(first);
        assertThat(match(hash).state()).isEqualTo(State.CURRENT);
        assertThat(store.findByRefreshTokenHash(clashHash)).isEmpty();
    }

    @Test
    @DisplayName("creating and finding: a second session with the same refresh-token hash is refused and nothing of it is stored")
    void duplicateHash() {
        String hash = newHash();
        Session first = created(newUserId(), hash);
        Session second = newSession(newUserId());

        assertThatThrownBy(() -> store.create(second, hash)).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.find(second.id())).isEmpty();
        assertThat(match(hash).session().id()).isEqualTo(first.id());
    }

    @Test
    @DisplayName("rotating the refresh token: a rotation makes the new hash current and the old one previous, rotated now")
    void rotates() {
        String h0 = newHash();
        String h1 = newHash();
        Session session = created(newUserId(), h0);
        Instant at = clock.advance(Duration.ofMinutes(5));

        assertThat(rotateNow(session, h0, h1)).isEqualTo(RotationResult.ROTATED);

        assertThat(match(h1).state()).isEqualTo(State.CURRENT);
        RefreshTokenMatch old = match(h0);
        assertThat(old.state()).isEqualTo(State.PREVIOUS);
        assertThat(old.rotatedAt()).contains(at);
        assertThat(old.session().id()).isEqualTo(session.id());
    }

    @Test
    @DisplayName("rotating the refresh token: a rotation counts one refresh and moves the last refresh and the idle expiry")
    void movesTheSession() {
        String h0 = newHash();
        Session session = created(newUserId(), h0);
        Instant at = clock.advance(Duration.ofMinutes(10));
        Instant newIdle = at.plus(IDLE);

        assertThat(store.rotate(session.id(), h0, newHash(), at, newIdle)).isEqualTo(RotationResult.ROTATED);

        Session after = stored(session);
        assertThat(after.refreshCount()).isEqualTo(1);
        assertThat(after.lastRefreshedAt()).isEqualTo(at);
        assertThat(after.idleExpiresAt()).isEqualTo(newIdle);
        assertThat(after.createdAt()).isEqualTo(session.createdAt());
        assertThat(after.absoluteExpiresAt()).isEqualTo(session.absoluteExpiresAt());
    }

    @Test
    @DisplayName("rotating the refresh token: a second rotation of the same hash loses as STALE and changes nothing")
    void secondRotationLoses() {
        String h0 = newHash();
        String winner = newHash();
        String loser = newHash();
        Session session = created(newUserId(), h0);
        clock.advance(Duration.ofSeconds(1));

        assertThat(rotateNow(session, h0, winner)).isEqualTo(RotationResult.ROTATED);
        assertThat(rotateNow(session, h0, loser)).isEqualTo(RotationResult.STALE);

        assertThat(match(winner).state()).isEqualTo(State.CURRENT);
        assertThat(store.findByRefreshTokenHash(loser)).isEmpty();
        assertThat(stored(session).refreshCount()).isEqualTo(1);
    }

    @Test
    @DisplayName("rotating the refresh token: a hash the session never had is STALE")
    void neverHad() {
        String h0 = newHash();
        Session session = created(newUserId(), h0);
        assertThat(rotateNow(session, newHash(), newHash())).isEqualTo(RotationResult.STALE);
        assertThat(match(h0).state()).isEqualTo(State.CURRENT);
    }

    @Test
    @DisplayName("rotating the refresh token: a session the store does not know is INACTIVE")
    void unknownSession() {
        Instant now = clock.instant();
        assertThat(store.rotate(UUID.randomUUID().toString(), newHash(), newHash(), now, now.plus(IDLE)))
                .isEqualTo(RotationResult.INACTIVE);
    }

    @Test
    @DisplayName("rotating the refresh token: a revoked session is INACTIVE and its hash stays current")
    void revokedSession() {
        String h0 = newHash();
        String h1 = newHash();
        Session session = created(newUserId(), h0);
        store.revoke(session.id(), RevocationReason.LOGOUT, clock.instant());

        assertThat(rotateNow(session, h0, h1)).isEqualTo(RotationResult.INACTIVE);
        assertThat(match(h0).state()).isEqualTo(State.CURRENT);
        assertThat(store.findByRefreshTokenHash(h1)).isEmpty();
        assertThat(stored(session).refreshCount()).isZero();
    }

    @Test
    @DisplayName("rotating the refresh token: every hash a live session had stays known: the latest predecessor PREVIOUS, older ones RETIRED")
    void wholeLineage() {
        List<String> hashes = new ArrayList<>(List.of(newHash()));
        List<Instant> rotatedAt = new ArrayList<>();
        Session session = created(newUserId(), hashes.get(0));
        for (int i = 1; i <= 4; i++) {
            rotatedAt.add(clock.advance(Duration.ofMinutes(1)));
            hashes.add(newHash());
            assertThat(rotateNow(session, hashes.get(i - 1), hashes.get(i))).isEqualTo(RotationResult.ROTATED);
        }

        assertThat(match(hashes.get(4)).state()).isEqualTo(State.CURRENT);
        assertThat(match(hashes.get(3)).state()).isEqualTo(State.PREVIOUS);
        for (int i = 0; i <= 2; i++) {
            RefreshTokenMatch m = match(hashes.get(i));
            assertThat(m.state()).as("hash %d", i).isEqualTo(State.RETIRED);
            assertThat(m.rotatedAt()).as("hash %d", i).contains(rotatedAt.get(i));
            assertThat(m.session().id()).isEqualTo(session.id());
        }
        assertThat(match(hashes.get(3)).rotatedAt()).contains(rotatedAt.get(3));
        assertThat(stored(session).refreshCount()).isEqualTo(4);
    }

    @Test
    @DisplayName("expiry at the exact boundary: a session rotates a millisecond before its idle expiry")
    void justBeforeIdle() {
        String h0 = newHash();
        Session session = created(newUserId(), h0);
        clock.setInstant(session.idleExpiresAt().minus(JUST_BEFORE));
        assertThat(rotateNow(session, h0, newHash())).isEqualTo(RotationResult.ROTATED);
    }

    @Test
    @DisplayName("expiry at the exact boundary: a session does not rotate at its idle expiry exactly")
    void atIdle() {
        String h0 = newHash();
        Session session = created(newUserId(), h0);
        clock.setInstant(session.idleExpiresAt());
        assertThat(rotateNow(session, h0, newHash())).isEqualTo(RotationResult.INACTIVE);
        assertThat(match(h0).state()).isEqualTo(State.CURRENT);
    }

    @Test
    @DisplayName("expiry at the exact boundary: a session is listed a millisecond before its idle expiry and not at it")
    void listedUntilIdle() {
        String user = newUserId();
        Session session = created(user, newHash());
        assertThat(store.findActiveByUser(user, session.idleExpiresAt().minus(JUST_BEFORE)))
                .extracting(Session::id).containsExactly(session.id());
        assertThat(store.findActiveByUser(user, session.idleExpiresAt())).isEmpty();
    }

    @Test
    @DisplayName("expiry at the exact boundary: a session does not rotate at its absolute expiry, even with a later idle expiry")
    void atAbsolute() {
        String h0 = newHash();
        Instant now = clock.instant();
        Session session = Session.start(UUID.randomUUID().toString(), newUserId(), "abs", Set.of(), now,
                now.plus(ABSOLUTE).plus(IDLE), now.plus(ABSOLUTE), ClientInfo.UNKNOWN);
        store.create(session, h0);
        Instant end = session.absoluteExpiresAt();

        assertThat(store.rotate(session.id(), h0, newHash(), end, end.plus(IDLE))).isEqualTo(RotationResult.INACTIVE);
        assertThat(store.findActiveByUser(session.userId(), end)).isEmpty();
        assertThat(store.findActiveByUser(session.userId(), end.minus(JUST_BEFORE))).hasSize(1);
    }

    @Test
    @DisplayName("expiry at the exact boundary: a rotation pushes the idle expiry out, so the session outlives its first idle expiry")
    void rotationExtends() {
        String user = newUserId();
        String h0 = newHash();
        Session session = created(user, h0);
        clock.advance(Duration.ofMinutes(30));
        assertThat(rotateNow(session, h0, newHash())).isEqualTo(RotationResult.ROTATED);

        assertThat(store.findActiveByUser(user, session.idleExpiresAt())).extracting(Session::id)
                .containsExactly(session.id());
    }

    @Test
    @DisplayName("expiry at the exact boundary: an expired session is still found by id and by hash until it is purged")
    void expiredStillFound() {
        String h0 = newHash();
        Session session = created(newUserId(), h0);
        clock.setInstant(session.absoluteExpiresAt().plus(Duration.ofHours(1)));
        assertThat(store.find(session.id())).isPresent();
        assertThat(match(h0).session().id()).isEqualTo(session.id());
    }

    @Test
    @DisplayName("revoking: revoking a session records when and why, and it stays findable by id and by hash")
    void revokes() {
        String h0 = newHash();
        Session session = created(newUserId(), h0);
        Instant at = clock.advance(Duration.ofMinutes(3));

        assertThat(store.revoke(session.id(), RevocationReason.LOGOUT, at)).isTrue();

        Session revoked = stored(session);
        assertThat(revoked.revokedAt()).contains(at);
        assertThat(revoked.revocationReason()).contains(RevocationReason.LOGOUT);
        assertThat(match(h0).session().revokedAt()).contains(at);
    }

    @Test
    @DisplayName("revoking: revoking a revoked session reports false and keeps the first time and reason")
    void revokeTwice() {
        Session session = created(newUserId(), newHash());
        Instant first = clock.instant();
        store.revoke(session.id(), RevocationReason.LOGOUT, first);
        clock.advance(Duration.ofMinutes(1));

        assertThat(store.revoke(session.id(), RevocationReason.REVOKED_BY_ADMIN, clock.instant())).isFalse();
        assertThat(stored(session).revokedAt()).contains(first);
        assertThat(stored(session).revocationReason()).contains(RevocationReason.LOGOUT);
    }

    @Test
    @DisplayName("revoking: revoking an unknown session reports false")
    void revokeUnknown() {
        assertThat(store.revoke(UUID.randomUUID().toString(), RevocationReason.LOGOUT, clock.instant())).isFalse();
    }

    @Test
    @DisplayName("revoking: revokeAll revokes every session of the user and names each one")
    void revokeAll() {
        String user = newUserId();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            ids.add(created(user, newHash()).id());
        }

        List<String> revoked = store.revokeAll(user, RevocationReason.LOGOUT_ALL, clock.instant(), Optional.empty());

        assertThat(revoked).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(store.findActiveByUser(user, clock.instant())).isEmpty();
        for (String id : ids) {
            assertThat(store.find(id).orElseThrow().revocationReason()).contains(RevocationReason.LOGOUT_ALL);
        }
    }

    @Test
    @DisplayName("revoking: revokeAll spares the session it is told to keep")
    void revokeAllButOne() {
        String user = newUserId();
        Session keep = created(user, newHash());
        Session other = created(user, newHash());

        List<String> revoked = store.revokeAll(user, RevocationReason.REVOKED_BY_USER, clock.instant(),
                Optional.of(keep.id()));

        assertThat(revoked).containsExactly(other.id());
        assertThat(store.findActiveByUser(user, clock.instant())).extracting(Session::id).containsExactly(keep.id());
    }

    @Test
    @DisplayName("revoking: revokeAll names only the sessions it revoked itself")
    void revokeAllSkipsRevoked() {
        String user = newUserId();
        Session already = created(user, newHash());
        Session live = created(user, newHash());
        store.revoke(already.id(), RevocationReason.LOGOUT, clock.instant());

        assertThat(store.revokeAll(user, RevocationReason.LOGOUT_ALL, clock.instant(), Optional.empty()))
                .containsExactly(live.id());
        assertThat(stored(already).revocationReason()).contains(RevocationReason.LOGOUT);
    }

    @Test
    @DisplayName("revoking: revokeAll leaves other users' sessions alone")
    void revokeAllOtherUsers() {
        String user = newUserId();
        String other = newUserId();
        created(user, newHash());
        Session theirs = created(other, newHash());

        store.revokeAll(user, RevocationReason.LOGOUT_ALL, clock.instant(), Optional.empty());

        assertThat(stored(theirs).revokedAt()).isEmpty();
    }

    @Test
    @DisplayName("revoking: revokeAll for a user without sessions revokes nothing")
    void revokeAllNobody() {
        assertThat(store.revokeAll(newUserId(), RevocationReason.LOGOUT_ALL, clock.instant(), Optional.empty()))
                .isEmpty();
    }

    @Test
    @DisplayName("listing a user's sessions: lists only the user's active sessions, oldest first")
    void activeOldestFirst() {
        String user = newUserId();
        Session first = created(user, newHash());
        clock.advance(Duration.ofMinutes(1));
        Session revoked = created(user, newHash());
        clock.advance(Duration.ofMinutes(1));
        Session second = created(user, newHash());
        clock.advance(Duration.ofMinutes(1));
        Session third = created(user, newHash());
        created(newUserId(), newHash());
        store.revoke(revoked.id(), RevocationReason.LOGOUT, clock.instant());

        assertThat(store.findActiveByUser(user, clock.instant())).extracting(Session::id)
                .containsExactly(first.id(), second.id(), third.id());
    }

    @Test
    @DisplayName("listing a user's sessions: lists nothing for a user without sessions")
    void nobody() {
        created(newUserId(), newHash());
        assertThat(store.findActiveByUser(newUserId(), clock.instant())).isEmpty();
    }

    @Test
    @DisplayName("listing a user's sessions: countActiveByUser counts what findActiveByUser lists, to the millisecond of each expiry")
    void countsActive() {
        String user = newUserId();
        Session first = created(user, newHash());
        clock.advance(Duration.ofMinutes(1));
        Session revoked = created(user, newHash());
        Session second = created(user, newHash());
        created(newUserId(), newHash());
        store.revoke(revoked.id(), RevocationReason.LOGOUT, clock.instant());

        assertThat(store.countActiveByUser(user, clock.instant())).isEqualTo(2);
        assertThat(store.countActiveByUser(user, first.idleExpiresAt().minus(JUST_BEFORE))).isEqualTo(2);
        assertThat(store.countActiveByUser(user, first.idleExpiresAt())).isEqualTo(1);
        assertThat(store.countActiveByUser(user, second.idleExpiresAt())).isZero();
        assertThat(store.countActiveByUser(newUserId(), clock.instant())).isZero();
        for (Instant at : List.of(clock.instant(), first.idleExpiresAt(), second.idleExpiresAt().minus(JUST_BEFORE))) {
            assertThat(store.countActiveByUser(user, at)).as("at %s", at).isEqualTo(store.findActiveByUser(user, at).size());
        }
    }

    @Test
    @DisplayName("purging in batches: purges sessions that expired at or before now and returns them")
    void purgesExpired() {
        String user = newUserId();
        Session expired = created(user, newHash());
        clock.advance(Duration.ofMinutes(30));
        Session live = created(user, newHash());
        Instant now = expired.idleExpiresAt();

        List<Session> purged = store.purge(now, now.minus(Duration.ofDays(1)), 100);

        assertThat(purged).extracting(Session::id).containsExactly(expired.id());
        assertThat(store.find(expired.id())).isEmpty();
        assertThat(store.find(live.id())).isPresent();
    }

    @Test
    @DisplayName("purging in batches: a refreshed session outlives the expiry it had before, and is purged at its new one to the millisecond")
    void purgesRefreshedAtNewExpiry() {
        String h0 = newHash();
        Session session = created(newUserId(), h0);
        Instant firstExpiry = session.idleExpiresAt();
        clock.advance(Duration.ofMinutes(10));
        assertThat(rotateNow(session, h0, newHash())).isEqualTo(RotationResult.ROTATED);
        Instant newExpiry = stored(session).idleExpiresAt();

        assertThat(store.purge(firstExpiry, firstExpiry.minus(Duration.ofDays(1)), 10)).isEmpty();
        assertThat(store.purge(newExpiry.minus(JUST_BEFORE), firstExpiry.minus(Duration.ofDays(1)), 10)).isEmpty();
        assertThat(store.find(session.id())).isPresent();
        assertThat(store.purge(newExpiry, firstExpiry.minus(Duration.ofDays(1)), 10)).extracting(Session::id)
                .containsExactly(session.id());
    }

    @Test
    @DisplayName("purging in batches: sessions refreshed past their first expiry do not crowd an expired one out of a batch")
    void refreshedDoNotCrowdOutExpired() {
        String user = newUserId();
        Session expired = created(user, newHash());
        clock.advance(Duration.ofMinutes(1));
        List<Session> refreshed = new ArrayList<>();
        List<String> hashes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String h = newHash();
            refreshed.add(created(user, h));
            hashes.add(h);
        }
        clock.advance(Duration.ofMinutes(1));
        for (int i = 0; i < refreshed.size(); i++) {
            assertThat(rotateNow(refreshed.get(i), hashes.get(i), newHash())).isEqualTo(RotationResult.ROTATED);
        }
        // Past the expiry the refreshed sessions had at login, before the one they have now.
        Instant now = refreshed.get(0).idleExpiresAt();

        assertThat(store.purge(now, now.minus(Duration.ofDays(1)), 2)).extracting(Session::id)
                .containsExactly(expired.id());
        assertThat(store.purge(now, now.minus(Duration.ofDays(1)), 2)).isEmpty();
        assertThat(store.findActiveByUser(user, now)).extracting(Session::id)
                .containsExactlyInAnyOrderElementsOf(refreshed.stream().map(Session::id).toList());
    }

    @Test
    @DisplayName("purging in batches: keeps a session that expires a millisecond after now")
    void keepsAlmostExpired() {
        Session session = created(newUserId(), newHash());
        Instant now = session.idleExpiresAt().minus(JUST_BEFORE);
        assertThat(store.purge(now, now.minus(Duration.ofDays(1)), 100)).isEmpty();
        assertThat(store.find(session.id())).isPresent();
    }

    @Test
    @DisplayName("purging in batches: purges sessions revoked at or before the cutoff and keeps those revoked after it")
    void purgesRevoked() {
        String user = newUserId();
        Session early = created(user, newHash());
        Session atCutoff = created(user, newHash());
        Session late = created(user, newHash());
        Instant t = clock.instant();
        store.revoke(early.id(), RevocationReason.LOGOUT, t);
        store.revoke(atCutoff.id(), RevocationReason.LOGOUT, t.plusSeconds(60));
        store.revoke(late.id(), RevocationReason.LOGOUT, t.plusSeconds(60).plus(JUST_BEFORE));

        List<Session> purged = store.purge(t.plusSeconds(120), t.plusSeconds(60), 100);

        assertThat(purged).extracting(Session::id).containsExactlyInAnyOrder(early.id(), atCutoff.id());
        assertThat(store.find(late.id())).isPresent();
    }

    @Test
    @DisplayName("purging in batches: never purges an active session")
    void keepsActive() {
        String user = newUserId();
        for (int i = 0; i < 3; i++) {
            created(user, newHash());
        }
        Instant now = clock.instant();
        assertThat(store.purge(now, now, 100)).isEmpty();
        assertThat(store.findActiveByUser(user, now)).hasSize(3);
    }

    @Test
    @DisplayName("purging in batches: purges no more than the limit per call, until none is left")
    void batches() {
        String user = newUserId();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 7; i++) {
            ids.add(created(user, newHash()).id());
        }
        Instant now = clock.instant().plus(ABSOLUTE);
        List<String> purged = new ArrayList<>();

        List<Session> first = store.purge(now, now, 3);
        List<Session> second = store.purge(now, now, 3);
        List<Session> third = store.purge(now, now, 3);

        assertThat(first).hasSize(3);
        assertThat(second).hasSize(3);
        assertThat(third).hasSize(1);
        assertThat(store.purge(now, now, 3)).isEmpty();
        for (List<Session> batch : List.of(first, second, third)) {
            batch.forEach(s -> purged.add(s.id()));
        }
        assertThat(purged).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    @DisplayName("purging in batches: forgets every hash of a purged session: current, previous and retired")
    void forgetsHashes() {
        String h0 = newHash();
        String h1 = newHash();
        String h2 = newHash();
        Session session = created(newUserId(), h0);
        clock.advance(Duration.ofMinutes(1));
        rotateNow(session, h0, h1);
        clock.advance(Duration.ofMinutes(1));
        rotateNow(session, h1, h2);
        store.revoke(session.id(), RevocationReason.LOGOUT, clock.instant());

        assertThat(store.purge(clock.instant(), clock.instant(), 10)).hasSize(1);

        assertThat(store.findByRefreshTokenHash(h0)).isEmpty();
        assertThat(store.findByRefreshTokenHash(h1)).isEmpty();
        assertThat(store.findByRefreshTokenHash(h2)).isEmpty();
        assertThat(store.findActiveByUser(session.userId(), clock.instant())).isEmpty();
    }

    // ---- what the engine relies on beyond the obvious ----

    @Test
    @DisplayName("rotating the refresh token: a revoked session is INACTIVE even when the expected hash is not its current one")
    void inactiveBeatsStaleWhenRevoked() {
        String h0 = newHash();
        Session session = created(newUserId(), h0);
        store.revoke(session.id(), RevocationReason.LOGOUT, clock.instant());
        assertThat(rotateNow(session, newHash(), newHash())).isEqualTo(RotationResult.INACTIVE);
    }

    @Test
    @DisplayName("rotating the refresh token: an expired session is INACTIVE even when the expected hash is not its current one")
    void inactiveBeatsStaleWhenExpired() {
        String h0 = newHash();
        Session session = created(newUserId(), h0);
        clock.setInstant(session.idleExpiresAt());
        assertThat(rotateNow(session, newHash(), newHash())).isEqualTo(RotationResult.INACTIVE);
    }

    @Test
    @DisplayName("rotating the refresh token: a rotation to a hash another session uses is refused and changes nothing")
    void rotateToHashInUse() {
        String mine = newHash();
        String theirs = newHash();
        Session session = created(newUserId(), mine);
        Session other = created(newUserId(), theirs);
        clock.advance(Duration.ofMillis(1234));

        assertThatThrownBy(() -> rotateNow(session, mine, theirs)).isInstanceOf(IllegalArgumentException.class);

        assertThat(match(mine).state()).isEqualTo(State.CURRENT);
        assertThat(match(mine).session().id()).isEqualTo(session.id());
        assertThat(match(theirs).session().id()).isEqualTo(other.id());
        assertThat(stored(session).refreshCount()).isZero();
    }

    @Test
    @DisplayName("rotating the refresh token: a rotation back to one of the session's own retired hashes is refused")
    void rotateToOwnRetiredHash() {
        String h0 = newHash();
        String h1 = newHash();
        Session session = created(newUserId(), h0);
        clock.advance(Duration.ofMillis(777));
        assertThat(rotateNow(session, h0, h1)).isEqualTo(RotationResult.ROTATED);

        assertThatThrownBy(() -> rotateNow(session, h1, h0)).isInstanceOf(IllegalArgumentException.class);

        assertThat(match(h1).state()).isEqualTo(State.CURRENT);
        assertThat(match(h0).state()).isEqualTo(State.PREVIOUS);
        assertThat(stored(session).refreshCount()).isEqualTo(1);
    }

    @Test
    @DisplayName("creating and finding: a hash another session rotated away cannot start a new session")
    void createWithRetiredHash() {
        String h0 = newHash();
        String h1 = newHash();
        Session first = created(newUserId(), h0);
        clock.advance(Duration.ofMillis(501));
        rotateNow(first, h0, h1);
        Session second = newSession(newUserId());

        assertThatThrownBy(() -> store.create(second, h0)).isInstanceOf(IllegalArgumentException.class);

        assertThat(store.find(second.id())).isEmpty();
        assertThat(match(h0).session().id()).isEqualTo(first.id());
        assertThat(match(h0).state()).isEqualTo(State.PREVIOUS);
    }

    @Test
    @DisplayName("creating and finding: a revoked session is found by a hash it had, with its revocation")
    void revokedFoundByHash() {
        String h0 = newHash();
        Session session = created(newUserId(), h0);
        Instant at = clock.advance(Duration.ofMillis(2_345));
        store.revoke(session.id(), RevocationReason.REFRESH_TOKEN_REUSED, at);

        RefreshTokenMatch m = match(h0);
        assertThat(m.state()).isEqualTo(State.CURRENT);
        assertThat(m.session().revokedAt()).contains(at);
        assertThat(m.session().revocationReason()).contains(RevocationReason.REFRESH_TOKEN_REUSED);
    }

    @Test
    @DisplayName("expiry at the exact boundary: an expired session is found by a retired hash too, so a replay still counts as reuse")
    void expiredFoundByRetiredHash() {
        String h0 = newHash();
        String h1 = newHash();
        String h2 = newHash();
        Session session = created(newUserId(), h0);
        clock.advance(Duration.ofMillis(61_001));
        rotateNow(session, h0, h1);
        clock.advance(Duration.ofMillis(61_001));
        rotateNow(session, h1, h2);
        clock.setInstant(session.absoluteExpiresAt().plusMillis(3));

        assertThat(match(h0).state()).isEqualTo(State.RETIRED);
        assertThat(match(h1).state()).isEqualTo(State.PREVIOUS);
        assertThat(match(h2).state()).isEqualTo(State.CURRENT);
    }

    @Test
    @DisplayName("revoking: an expired session that was never revoked can still be revoked, and says so")
    void revokeExpired() {
        Session session = created(newUserId(), newHash());
        Instant late = session.idleExpiresAt().plusMillis(17);
        assertThat(store.revoke(session.id(), RevocationReason.REVOKED_BY_ADMIN, late)).isTrue();
        assertThat(stored(session).revokedAt()).contains(late);
        assertThat(stored(session).revocationReason()).contains(RevocationReason.REVOKED_BY_ADMIN);
    }

    @Test
    @DisplayName("revoking: revokeAll also revokes the user's expired, not yet revoked sessions, and names them")
    void revokeAllIncludesExpired() {
        String user = newUserId();
        Session old = created(user, newHash());
        clock.advance(IDLE.plusMillis(9));
        Session live = created(user, newHash());

        List<String> revoked = store.revokeAll(user, RevocationReason.LOGOUT_ALL, clock.instant(), Optional.empty());

        assertThat(revoked).containsExactlyInAnyOrder(old.id(), live.id());
        assertThat(stored(old).revocationReason()).contains(RevocationReason.LOGOUT_ALL);
    }

    @Test
    @DisplayName("revoking: revokeAll records the time and the reason it was given on every session")
    void revokeAllRecordsTime() {
        String user = newUserId();
        Session a = created(user, newHash());
        Session b = created(user, newHash());
        Instant at = clock.advance(Duration.ofMillis(4_321));

        store.revokeAll(user, RevocationReason.REVOKED_BY_USER, at, Optional.empty());

        for (Session s : List.of(a, b)) {
            assertThat(stored(s).revokedAt()).contains(at);
            assertThat(stored(s).revocationReason()).contains(RevocationReason.REVOKED_BY_USER);
        }
    }

    @Test
    @DisplayName("rotating the refresh token: a session keeps its whole lineage however often it rotates (no cap on history)")
    void longLineage() {
        int rotations = 100;
        List<String> hashes = new ArrayList<>(List.of(newHash()));
        Session session = created(newUserId(), hashes.get(0));
        for (int i = 1; i <= rotations; i++) {
            clock.advance(Duration.ofMillis(1_001));
            hashes.add(newHash());
            assertThat(rotateNow(session, hashes.get(i - 1), hashes.get(i))).isEqualTo(RotationResult.ROTATED);
        }
        assertThat(match(hashes.get(0)).state()).as("the first hash, %d rotations ago", rotations)
                .isEqualTo(State.RETIRED);
        assertThat(match(hashes.get(rotations / 2)).state()).isEqualTo(State.RETIRED);
        assertThat(match(hashes.get(rotations)).state()).isEqualTo(State.CURRENT);
    }

    @Test
    @DisplayName("expiry at the exact boundary: instants come back to the millisecond, never rounded to a second")
    void millisecondsKept() {
        String h0 = newHash();
        Instant now = clock.advance(Duration.ofMillis(1));
        Session session = Session.start(UUID.randomUUID().toString(), newUserId(), "ms", Set.of("r"), now,
                now.plus(IDLE).plusMillis(498), now.plus(ABSOLUTE).plusMillis(501), ClientInfo.UNKNOWN);
        store.create(session, h0);
        assertThat(stored(session)).isEqualTo(session);

        Instant rotated = clock.advance(Duration.ofMillis(1_499));
        Instant idle = rotated.plus(IDLE).plusMillis(1);
        String h1 = newHash();
        assertThat(store.rotate(session.id(), h0, h1, rotated, idle)).isEqualTo(RotationResult.ROTATED);
        assertThat(stored(session).lastRefreshedAt()).isEqualTo(rotated);
        assertThat(stored(session).idleExpiresAt()).isEqualTo(idle);
        assertThat(match(h0).rotatedAt()).contains(rotated);

        Instant revoked = clock.advance(Duration.ofMillis(2_501));
        store.revoke(session.id(), RevocationReason.LOGOUT, revoked);
        assertThat(stored(session).revokedAt()).contains(revoked);
    }

    @Test
    @DisplayName("expiry at the exact boundary: a session is over at its idle expiry to the millisecond, for every method that asks")
    void overToTheMillisecond() {
        String user = newUserId();
        String h0 = newHash();
        Session session = created(user, h0);
        Instant end = session.idleExpiresAt();

        assertThat(store.findActiveByUser(user, end.minusMillis(1))).hasSize(1);
        assertThat(store.purge(end.minusMillis(1), end.minus(Duration.ofDays(1)), 10)).isEmpty();
        assertThat(store.findActiveByUser(user, end)).isEmpty();
        assertThat(store.rotate(session.id(), h0, newHash(), end, end.plus(IDLE))).isEqualTo(RotationResult.INACTIVE);
        assertThat(store.purge(end, end.minus(Duration.ofDays(1)), 10)).extracting(Session::id)
                .containsExactly(session.id());
    }

    @Test
    @DisplayName("purging in batches: a limit below one is refused and purges nothing")
    void limitBelowOne() {
        Session session = created(newUserId(), newHash());
        Instant now = session.absoluteExpiresAt();
        assertThatThrownBy(() -> store.purge(now, now, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.find(session.id())).isPresent();
    }

    // ---- concurrency: each race runs ROUNDS times from a fresh state, so a narrow window is hit every run ----

    @Test
    @DisplayName("under concurrency (real threads): of many concurrent rotations of one hash exactly one wins, every round")
    void oneWinner() {
        for (int round = 1; round <= ROUNDS; round++) {
            String h0 = newHash();
            Session session = created(newUserId(), h0);
            clock.advance(Duration.ofMillis(1_003));
            List<String> next = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                next.add(newHash());
            }

            List<RotationResult> results = race(THREADS, i -> () -> rotateNow(session, h0, next.get(i)));

            assertThat(results).as("round %d", round).filteredOn(r -> r == RotationResult.ROTATED).hasSize(1);
            assertThat(results).as("round %d", round).filteredOn(r -> r == RotationResult.STALE).hasSize(THREADS - 1);
            String winner = next.get(results.indexOf(RotationResult.ROTATED));
            assertThat(match(winner).state()).isEqualTo(State.CURRENT);
            assertThat(match(h0).state()).isEqualTo(State.PREVIOUS);
            assertThat(next).filteredOn(h -> !h.equals(winner))
                    .allSatisfy(h -> assertThat(store.findByRefreshTokenHash(h)).isEmpty());
            assertThat(stored(session).refreshCount()).as("round %d", round).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("under concurrency (real threads): rounds of racing rotations keep one lineage: one winner per round")
    void rounds() {
        String current = newHash();
        Session session = created(newUserId(), current);
        int threads = 8;
        for (int round = 1; round <= ROUNDS; round++) {
            clock.advance(Duration.ofMillis(1_007));
            String expected = current;
            List<String> next = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                next.add(newHash());
            }
            List<RotationResult> results = race(threads, i -> () -> rotateNow(session, expected, next.get(i)));
            assertThat(results).as("round %d", round).filteredOn(r -> r == RotationResult.ROTATED).hasSize(1);
            String winner = next.get(results.indexOf(RotationResult.ROTATED));
            assertThat(match(expected).state()).isEqualTo(State.PREVIOUS);
            current = winner;
        }
        assertThat(match(current).state()).isEqualTo(State.CURRENT);
        assertThat(stored(session).refreshCount()).isEqualTo(ROUNDS);
    }

    @Test
    @DisplayName("under concurrency (real threads): rotations racing a revocation, the revoker first or last: it ends revoked, with at most one rotation won")
    void rotateRacesRevoke() {
        for (int round = 1; round <= ROUNDS; round++) {
            String h0 = newHash();
            Session session = created(newUserId(), h0);
            clock.advance(Duration.ofMillis(1_009));
            List<String> next = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                next.add(newHash());
            }
            // Both orders: the revoking task is submitted first in odd rounds and last in even ones.
            int revoker = round % 2 == 1 ? 0 : THREADS - 1;
            List<Object> results = race(THREADS, i -> () -> i == revoker
                    ? (Object) store.revoke(session.id(), RevocationReason.REFRESH_TOKEN_REUSED, clock.instant())
                    : rotateNow(session, h0, next.get(i)));

            assertThat(results.get(revoker)).as("round %d: the revoke's answer", round).isEqualTo(true);
            long won = results.stream().filter(RotationResult.ROTATED::equals).count();
            assertThat(won).as("round %d", round).isLessThanOrEqualTo(1);
            Session after = stored(session);
            assertThat(after.revocationReason()).contains(RevocationReason.REFRESH_TOKEN_REUSED);
            assertThat(after.refreshCount()).isEqualTo(won);
            String current = won == 1 ? next.get(results.indexOf(RotationResult.ROTATED)) : h0;
            assertThat(match(current).state()).isEqualTo(State.CURRENT);
        }
    }

    @Test
    @DisplayName("under concurrency (real threads): of many concurrent revokes of one session exactly one reports true, every round")
    void oneRevoke() {
        for (int round = 1; round <= ROUNDS; round++) {
            Session session = created(newUserId(), newHash());
            RevocationReason[] reasons = {RevocationReason.LOGOUT, RevocationReason.REVOKED_BY_ADMIN};
            List<Boolean> results = race(THREADS,
                    i -> () -> store.revoke(session.id(), reasons[i % 2], clock.instant()));
            assertThat(results).as("round %d", round).filteredOn(Boolean::booleanValue).hasSize(1);
            int winner = results.indexOf(true);
            assertThat(stored(session).revocationReason()).as("round %d: the winner's reason is kept", round)
                    .contains(reasons[winner % 2]);
        }
    }

    @Test
    @DisplayName("under concurrency (real threads): concurrent revokeAll calls revoke each session exactly once between them, every round")
    void revokeAllRace() {
        for (int round = 1; round <= ROUNDS; round++) {
            String user = newUserId();
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < 6; i++) {
                ids.add(created(user, newHash()).id());
            }
            List<List<String>> results = race(8, i -> () ->
                    store.revokeAll(user, RevocationReason.LOGOUT_ALL, clock.instant(), Optional.empty()));
            List<String> all = new ArrayList<>();
            results.forEach(all::addAll);
            assertThat(all).as("round %d", round).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids);
        }
    }

    @Test
    @DisplayName("under concurrency (real threads): a revokeAll racing single revokes: each session is revoked by exactly one caller")
    void revokeAllRacesRevoke() {
        for (int round = 1; round <= ROUNDS; round++) {
            String user = newUserId();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ids.add(created(user, newHash()).id());
            }
            List<List<String>> results = race(8, i -> () -> i % 2 == 0
                    ? store.revokeAll(user, RevocationReason.LOGOUT_ALL, clock.instant(), Optional.empty())
                    : (store.revoke(ids.get(i / 2), RevocationReason.LOGOUT, clock.instant())
                            ? List.of(ids.get(i / 2)) : List.<String>of()));
            List<String> all = new ArrayList<>();
            results.forEach(all::addAll);
            assertThat(all).as("round %d", round).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids);
        }
    }

    @Test
    @DisplayName("under concurrency (real threads): many sessions created at once for one user are all stored and listed")
    void concurrentCreates() {
        String user = newUserId();
        List<Session> sessions = race(THREADS, i -> () -> created(user, newHash()));
        assertThat(store.findActiveByUser(user, clock.instant())).extracting(Session::id)
                .containsExactlyInAnyOrderElementsOf(sessions.stream().map(Session::id).toList());
    }

    @Test
    @DisplayName("under concurrency (real threads): of concurrent creates with one id exactly one succeeds, every round")
    void concurrentCreatesOfOneId() {
        for (int round = 1; round <= ROUNDS; round++) {
            Session session = newSession(newUserId());
            List<String> hashes = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                hashes.add(newHash());
            }
            List<Boolean> results = race(THREADS, i -> () -> {
                try {
                    store.create(session, hashes.get(i));
                    return true;
                } catch (IllegalArgumentException refused) {
                    return false;
                }
            });
            assertThat(results).as("round %d", round).filteredOn(Boolean::booleanValue).hasSize(1);
            String kept = hashes.get(results.indexOf(true));
            assertThat(match(kept).session().id()).isEqualTo(session.id());
            assertThat(hashes).filteredOn(h -> !h.equals(kept))
                    .allSatisfy(h -> assertThat(store.findByRefreshTokenHash(h)).as("round %d", 0).isEmpty());
        }
    }

    @Test
    @DisplayName("under concurrency (real threads): of concurrent creates with one refresh-token hash exactly one succeeds, every round")
    void concurrentCreatesOfOneHash() {
        for (int round = 1; round <= ROUNDS; round++) {
            String hash = newHash();
            String user = newUserId();
            List<Session> sessions = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                sessions.add(newSession(user));
            }
            List<Boolean> results = race(THREADS, i -> () -> {
                try {
                    store.create(sessions.get(i), hash);
                    return true;
                } catch (IllegalArgumentException refused) {
                    return false;
                }
            });
            assertThat(results).as("round %d", round).filteredOn(Boolean::booleanValue).hasSize(1);
            assertThat(store.findActiveByUser(user, clock.instant())).as("round %d", round).hasSize(1);
        }
    }

    @Test
    @DisplayName("under concurrency (real threads): concurrent purges hand each expired session to exactly one of them, every round")
    void concurrentPurges() {
        for (int round = 1; round <= ROUNDS; round++) {
            String user = newUserId();
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < 12; i++) {
                ids.add(created(user, newHash()).id());
            }
            Instant now = clock.instant().plus(ABSOLUTE);
            List<List<Session>> results = race(4, i -> () -> {
                List<Session> mine = new ArrayList<>();
                List<Session> batch;
                do {
                    batch = store.purge(now, now, 3);
                    assertThat(batch.size()).isLessThanOrEqualTo(3);
                    mine.addAll(batch);
                } while (!batch.isEmpty());
                return mine;
            });
            List<String> all = new ArrayList<>();
            results.forEach(r -> r.forEach(s -> all.add(s.id())));
            assertThat(all).as("round %d", round).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids);
            clock.advance(Duration.ofMillis(3));
        }
    }


    @Test
    @DisplayName("answers and secrets: no method answers null on an empty store")
    void noNulls() {
        Instant now = clock.instant();
        String id = UUID.randomUUID().toString();
        assertThat(store.find(id)).isNotNull().isEmpty();
        assertThat(store.findByRefreshTokenHash(newHash())).isNotNull().isEmpty();
        assertThat(store.findActiveByUser(newUserId(), now)).isNotNull().isEmpty();
        assertThat(store.revokeAll(newUserId(), RevocationReason.LOGOUT_ALL, now, Optional.empty()))
                .isNotNull().isEmpty();
        assertThat(store.purge(now, now, 10)).isNotNull().isEmpty();
        assertThat(store.rotate(id, newHash(), newHash(), now, now.plus(IDLE))).isNotNull();
    }

    @Test
    @DisplayName("answers and secrets: toString does not print a refresh-token hash")
    void toStringHidesHashes() {
        String h0 = newHash();
        String h1 = newHash();
        Session session = created(newUserId(), h0);
        rotateNow(session, h0, h1);
        assertThat(store.toString()).doesNotContain(h0).doesNotContain(h1);
    }

    @Test
    @DisplayName("answers and secrets: the error for a duplicate hash does not reveal the hash")
    void errorHidesHash() {
        String hash = newHash();
        created(newUserId(), hash);
        assertThatThrownBy(() -> store.create(newSession(newUserId()), hash))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(String.valueOf(e.getMessage())).doesNotContain(hash));
    }

    @Test
    @DisplayName("answers and secrets: ping succeeds while the store is reachable")
    void ping() {
        store.ping();
    }

    // ---- optional: durability, one check per kind of state, each after a reopen ----

    @Test
    @DisplayName("optional: durability: a created session comes back field for field, its hash current")
    void survivesRestart() {
        String h0 = newHash();
        Session session = created(newUserId(), h0);

        SessionStore again = reopened();

        assertThat(again.find(session.id())).contains(session);
        assertThat(again.findByRefreshTokenHash(h0).orElseThrow().state()).isEqualTo(State.CURRENT);
        assertThat(again.findActiveByUser(session.userId(), clock.instant())).containsExactly(session);
    }

    @Test
    @DisplayName("optional: durability: a rotated session comes back with its whole lineage, each hash with its rotation time")
    void lineageSurvivesRestart() {
        List<String> hashes = new ArrayList<>(List.of(newHash()));
        List<Instant> rotatedAt = new ArrayList<>();
        Session session = created(newUserId(), hashes.get(0));
        for (int i = 1; i <= 4; i++) {
            rotatedAt.add(clock.advance(Duration.ofMillis(60_007)));
            hashes.add(newHash());
            rotateNow(session, hashes.get(i - 1), hashes.get(i));
        }
        Session before = stored(session);

        SessionStore again = reopened();

        assertThat(again.find(session.id())).contains(before);
        assertThat(again.findByRefreshTokenHash(hashes.get(4)).orElseThrow().state()).isEqualTo(State.CURRENT);
        RefreshTokenMatch previous = again.findByRefreshTokenHash(hashes.get(3)).orElseThrow();
        assertThat(previous.state()).isEqualTo(State.PREVIOUS);
        assertThat(previous.rotatedAt()).contains(rotatedAt.get(3));
        for (int i = 0; i <= 2; i++) {
            RefreshTokenMatch m = again.findByRefreshTokenHash(hashes.get(i)).orElseThrow(
                    () -> new AssertionError("a retired hash was forgotten by the restart"));
            assertThat(m.state()).isEqualTo(State.RETIRED);
            assertThat(m.rotatedAt()).contains(rotatedAt.get(i));
        }
        Instant now = clock.instant();
        assertThat(again.rotate(session.id(), hashes.get(3), newHash(), now, now.plus(IDLE)))
                .as("the old current hash after a restart").isEqualTo(RotationResult.STALE);
    }

    @Test
    @DisplayName("optional: durability: a revoked session stays revoked, with its time and reason, after a restart")
    void revocationSurvivesRestart() {
        String h0 = newHash();
        String user = newUserId();
        Session session = created(user, h0);
        Session other = created(user, newHash());
        Instant at = clock.advance(Duration.ofMillis(12_345));
        store.revoke(session.id(), RevocationReason.REFRESH_TOKEN_REUSED, at);
        store.revokeAll(user, RevocationReason.LOGOUT_ALL, at, Optional.of(session.id()));

        SessionStore again = reopened();

        Session revoked = again.find(session.id()).orElseThrow();
        assertThat(revoked.revokedAt()).contains(at);
        assertThat(revoked.revocationReason()).contains(RevocationReason.REFRESH_TOKEN_REUSED);
        assertThat(again.find(other.id()).orElseThrow().revocationReason()).contains(RevocationReason.LOGOUT_ALL);
        assertThat(again.findActiveByUser(user, at)).isEmpty();
        assertThat(again.rotate(session.id(), h0, newHash(), at, at.plus(IDLE))).isEqualTo(RotationResult.INACTIVE);
        assertThat(again.revoke(session.id(), RevocationReason.LOGOUT, at)).isFalse();
    }

    @Test
    @DisplayName("optional: durability: a purged session and its hashes stay gone after a restart")
    void purgeSurvivesRestart() {
        String h0 = newHash();
        String h1 = newHash();
        Session session = created(newUserId(), h0);
        clock.advance(Duration.ofMillis(5_003));
        rotateNow(session, h0, h1);
        Instant now = session.absoluteExpiresAt();
        assertThat(store.purge(now, now, 10)).hasSize(1);

        SessionStore again = reopened();

        assertThat(again.find(session.id())).isEmpty();
        assertThat(again.findByRefreshTokenHash(h0)).isEmpty();
        assertThat(again.findByRefreshTokenHash(h1)).isEmpty();
        assertThat(again.purge(now, now, 10)).isEmpty();
    }

    // ---- recording with the rotation (SessionStore.rotateAndRecord) ----

    /** The audit event a refresh of {@code session} records. */
    private AuditEvent refreshed(Session session, String reason) {
        return AuditEvent.builder(AuditEventType.TOKEN_REFRESHED, clock.instant())
                .client(new ClientInfo("192.0.2.11", "ContractSuite/1.0"))
                .user(session.userId(), session.username()).session(session.id()).reason(reason).build();
    }

    private Optional<RotationResult> rotateAndRecordNow(Session session, String expected, String next, AuditSink audit,
                                                        AuditEvent event) {
        Instant now = clock.instant();
        return store.rotateAndRecord(session.id(), expected, next, now, min(now.plus(IDLE), session.absoluteExpiresAt()),
                audit, event);
    }

    /** The events the log holds about {@code userId}. */
    private static List<AuditEvent> eventsOf(AuditLog log, String userId) {
        return log.query(AuditQuery.all().forUser(userId)).events();
    }

    /** The declared own log, or a skipped test. */
    private AuditLog declaredOwnLog() {
        Optional<AuditLog> log = ownAuditLog(store);
        Assumptions.assumeTrue(log.isPresent(), "recording with the rotation not declared: override ownAuditLog(store)");
        return log.get();
    }

    @Test
    @DisplayName("recording with the rotation: given a sink that is not its own, a store declines and changes nothing, or rotates and records exactly once")
    void foreignSink() {
        String h0 = newHash();
        String h1 = newHash();
        Session session = created(newUserId(), h0);
        clock.advance(Duration.ofMillis(1_011));
        List<AuditEvent> got = new CopyOnWriteArrayList<>();
        AuditEvent event = refreshed(session, "generation=1");

        Optional<RotationResult> result = rotateAndRecordNow(session, h0, h1, got::add, event);

        if (result.isEmpty()) {
            assertThat(match(h0).state()).isEqualTo(State.CURRENT);
            assertThat(store.findByRefreshTokenHash(h1)).isEmpty();
            assertThat(stored(session).refreshCount()).isZero();
            assertThat(got).isEmpty();
        } else {
            assertThat(result).contains(RotationResult.ROTATED);
            assertThat(match(h1).state()).isEqualTo(State.CURRENT);
            assertThat(got).containsExactly(event);
        }
        // The event belongs to the sink it was given: a store's own log must not get it too.
        ownAuditLog(store).ifPresent(own -> assertThat(eventsOf(own, session.userId())).isEmpty());
    }

    @Test
    @DisplayName("optional: recording with the rotation: winning rotations move the session and its hash lineage as rotate does and store each event once, field for field")
    void recordsWithRotation() {
        AuditLog log = declaredOwnLog();
        String h0 = newHash();
        String h1 = newHash();
        String h2 = newHash();
        Session session = created(newUserId(), h0);
        Instant first = clock.advance(Duration.ofMillis(1_013));
        AuditEvent event = refreshed(session, "generation=1");

        assertThat(rotateAndRecordNow(session, h0, h1, log, event)).contains(RotationResult.ROTATED);

        assertThat(match(h1).state()).isEqualTo(State.CURRENT);
        assertThat(match(h0).state()).isEqualTo(State.PREVIOUS);
        assertThat(match(h0).rotatedAt()).contains(first);
        Session after = stored(session);
        assertThat(after.refreshCount()).isEqualTo(1);
        assertThat(after.lastRefreshedAt()).isEqualTo(first);
        assertThat(after.idleExpiresAt()).isEqualTo(min(first.plus(IDLE), session.absoluteExpiresAt()));
        assertThat(eventsOf(log, session.userId())).containsExactly(event);

        // The recorded rotation is a write path of its own: its second rotation must retire the
        // first hash with the time it was rotated away, as rotate does, or reuse of that hash
        // would be judged against the wrong time.
        Instant second = clock.advance(Duration.ofMillis(1_031));
        AuditEvent again = refreshed(after, "generation=2");
        assertThat(rotateAndRecordNow(after, h1, h2, log, again)).contains(RotationResult.ROTATED);

        assertThat(match(h2).state()).isEqualTo(State.CURRENT);
        assertThat(match(h1).state()).isEqualTo(State.PREVIOUS);
        assertThat(match(h1).rotatedAt()).contains(second);
        assertThat(match(h0).state()).isEqualTo(State.RETIRED);
        assertThat(match(h0).rotatedAt()).contains(first);
        assertThat(stored(session).refreshCount()).isEqualTo(2);
        assertThat(eventsOf(log, session.userId())).containsExactlyInAnyOrder(event, again);
    }

    @Test
    @DisplayName("optional: recording with the rotation: a losing rotation (STALE) and one of a revoked session (INACTIVE) store no event")
    void recordsNothingWhenNotWon() {
        AuditLog log = declaredOwnLog();
        String h0 = newHash();
        String h1 = newHash();
        Session session = created(newUserId(), h0);
        clock.advance(Duration.ofMillis(1_017));
        AuditEvent won = refreshed(session, "generation=1");
        assertThat(rotateAndRecordNow(session, h0, h1, log, won)).contains(RotationResult.ROTATED);

        assertThat(rotateAndRecordNow(session, h0, newHash(), log, refreshed(session, "stale")))
                .contains(RotationResult.STALE);
        store.revoke(session.id(), RevocationReason.LOGOUT, clock.advance(Duration.ofMillis(3)));
        assertThat(rotateAndRecordNow(session, h1, newHash(), log, refreshed(session, "inactive")))
                .contains(RotationResult.INACTIVE);

        assertThat(eventsOf(log, session.userId())).containsExactly(won);
        assertThat(match(h1).state()).isEqualTo(State.CURRENT);
        assertThat(stored(session).refreshCount()).isEqualTo(1);
    }

    @Test
    @DisplayName("optional: recording with the rotation: a new hash another session has is refused, and neither the rotation nor the event is stored")
    void recordsNothingWhenRefused() {
        AuditLog log = declaredOwnLog();
        String mine = newHash();
        String theirs = newHash();
        Session session = created(newUserId(), mine);
        created(newUserId(), theirs);
        clock.advance(Duration.ofMillis(1_019));

        assertThatThrownBy(() -> rotateAndRecordNow(session, mine, theirs, log, refreshed(session, "taken")))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(match(mine).state()).isEqualTo(State.CURRENT);
        assertThat(stored(session).refreshCount()).isZero();
        assertThat(eventsOf(log, session.userId())).isEmpty();
        // Nothing is left half done: the same rotation to a free hash still wins.
        assertThat(rotateAndRecordNow(session, mine, newHash(), log, refreshed(session, "free")))
                .contains(RotationResult.ROTATED);
    }

    @Test
    @DisplayName("optional: recording with the rotation, under concurrency (real threads): of many racing rotations exactly one wins and only its event is stored, every round")
    void recordsOneWinner() {
        AuditLog log = declaredOwnLog();
        for (int round = 1; round <= ROUNDS; round++) {
            String h0 = newHash();
            Session session = created(newUserId(), h0);
            clock.advance(Duration.ofMillis(1_021));
            List<String> next = new ArrayList<>();
            List<AuditEvent> events = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                next.add(newHash());
                events.add(refreshed(session, "racer=" + i));
            }

            List<Optional<RotationResult>> results = race(THREADS,
                    i -> () -> rotateAndRecordNow(session, h0, next.get(i), log, events.get(i)));

            assertThat(results).as("round %d", round).allSatisfy(r -> assertThat(r).isPresent());
            List<RotationResult> plain = results.stream().map(Optional::orElseThrow).toList();
            assertThat(plain).as("round %d", round).filteredOn(r -> r == RotationResult.ROTATED).hasSize(1);
            int winner = plain.indexOf(RotationResult.ROTATED);
            assertThat(match(next.get(winner)).state()).isEqualTo(State.CURRENT);
            assertThat(eventsOf(log, session.userId())).as("round %d", round).containsExactly(events.get(winner));
        }
    }

    /** The audit event a login that starts {@code session} records. */
    private AuditEvent loggedIn(Session session) {
        return AuditEvent.builder(AuditEventType.LOGIN_SUCCEEDED, clock.instant())
                .client(new ClientInfo("192.0.2.12", "ContractSuite/1.0"))
                .user(session.userId(), session.username()).session(session.id()).reason("").build();
    }

    @Test
    @DisplayName("recording with the session: given a sink that is not its own, a store declines and stores nothing, or stores the session and records exactly once")
    void createForeignSink() {
        Session session = newSession(newUserId());
        String h0 = newHash();
        List<AuditEvent> got = new CopyOnWriteArrayList<>();
        AuditEvent event = loggedIn(session);

        if (store.createAndRecord(session, h0, got::add, event)) {
            assertThat(stored(session)).isEqualTo(session);
            assertThat(match(h0).state()).isEqualTo(State.CURRENT);
            assertThat(got).containsExactly(event);
        } else {
            assertThat(store.find(session.id())).isEmpty();
            assertThat(store.findByRefreshTokenHash(h0)).isEmpty();
            assertThat(got).isEmpty();
        }
        ownAuditLog(store).ifPresent(own -> assertThat(eventsOf(own, session.userId())).isEmpty());
    }

    @Test
    @DisplayName("optional: recording with the session: the session is stored field for field with its first hash, and its event once")
    void createRecords() {
        AuditLog log = declaredOwnLog();
        Session session = newSession(newUserId());
        String h0 = newHash();
        AuditEvent event = loggedIn(session);

        assertThat(store.createAndRecord(session, h0, log, event)).isTrue();

        assertThat(stored(session)).isEqualTo(session);
        assertThat(match(h0).state()).isEqualTo(State.CURRENT);
        assertThat(match(h0).session().id()).isEqualTo(session.id());
        assertThat(eventsOf(log, session.userId())).containsExactly(event);
    }

    @Test
    @DisplayName("optional: recording with the session: a taken id or a taken hash is refused, and neither the session nor the event is stored")
    void createRecordsNothingWhenRefused() {
        AuditLog log = declaredOwnLog();
        String user = newUserId();
        String theirs = newHash();
        Session first = created(user, theirs);
        Session sameId = new Session(first.id(), user, "other", Set.of("r"), first.createdAt(), first.lastRefreshedAt(),
                first.idleExpiresAt(), first.absoluteExpiresAt(), first.client(), 0, Optional.empty(), Optional.empty());
        Session sameHash = newSession(user);

        assertThatThrownBy(() -> store.createAndRecord(sameId, newHash(), log, loggedIn(sameId)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.createAndRecord(sameHash, theirs, log, loggedIn(sameHash)))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(stored(first)).isEqualTo(first);
        assertThat(store.find(sameHash.id())).isEmpty();
        assertThat(match(theirs).session().id()).isEqualTo(first.id());
        assertThat(eventsOf(log, user)).isEmpty();
    }

    @Test
    @DisplayName("optional: recording with the session, under concurrency (real threads): of concurrent creations with one id exactly one succeeds and only its event is stored, every round")
    void createRecordsOneWinner() {
        AuditLog log = declaredOwnLog();
        for (int round = 1; round <= ROUNDS; round++) {
            Session session = newSession(newUserId());
            List<String> hashes = new ArrayList<>();
            List<AuditEvent> events = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                hashes.add(newHash());
                events.add(loggedIn(session));
            }

            List<Boolean> results = race(THREADS, i -> () -> {
                try {
                    return store.createAndRecord(session, hashes.get(i), log, events.get(i));
                } catch (IllegalArgumentException refused) {
                    return false;
                }
            });

            assertThat(results).as("round %d", round).filteredOn(Boolean::booleanValue).hasSize(1);
            int winner = results.indexOf(true);
            assertThat(match(hashes.get(winner)).session().id()).isEqualTo(session.id());
            assertThat(hashes).filteredOn(h -> !h.equals(hashes.get(winner)))
                    .allSatisfy(h -> assertThat(store.findByRefreshTokenHash(h)).as("round %d", 0).isEmpty());
            assertThat(eventsOf(log, session.userId())).as("round %d", round).containsExactly(events.get(winner));
        }
    }

    @Test
    @DisplayName("optional: failing closed: every method throws StoreUnavailableException when the backend is gone")
    void everyMethod() {
        Session session = created(newUserId(), newHash());
        Optional<AuditLog> ownLog = ownAuditLog(store);
        cutOff();
        Instant now = clock.instant();
        String user = session.userId();
        Map<String, StoreCall> calls = new LinkedHashMap<>();
        calls.put("create", () -> store.create(newSession(user), newHash()));
        calls.put("find", () -> store.find(session.id()));
        calls.put("findByRefreshTokenHash", () -> store.findByRefreshTokenHash(newHash()));
        calls.put("rotate", () -> store.rotate(session.id(), newHash(), newHash(), now, now.plus(IDLE)));
        calls.put("revoke", () -> store.revoke(session.id(), RevocationReason.LOGOUT, now));
        calls.put("revokeAll", () -> store.revokeAll(user, RevocationReason.LOGOUT_ALL, now, Optional.empty()));
        calls.put("findActiveByUser", () -> store.findActiveByUser(user, now));
        calls.put("countActiveByUser", () -> store.countActiveByUser(user, now));
        calls.put("purge", () -> store.purge(now, now, 10));
        calls.put("ping", store::ping);
        // With its own log a store writes, so it must fail closed: neither a result nor "declined"
        // (true or false from createAndRecord, a result or empty from rotateAndRecord) may come back.
        ownLog.ifPresent(log -> {
            calls.put("rotateAndRecord", () -> store.rotateAndRecord(session.id(), newHash(), newHash(),
                    now, now.plus(IDLE), log, refreshed(session, "cut off")));
            Session another = newSession(user);
            calls.put("createAndRecord", () -> store.createAndRecord(another, newHash(), log, loggedIn(another)));
        });
        assertEveryMethodFailsClosed(calls);
    }
}
