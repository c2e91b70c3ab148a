package org.portcullis.auth.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.portcullis.auth.api.AttemptState;
import org.portcullis.auth.api.AttemptStore;
import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuditLog;
import org.portcullis.auth.api.AuditPage;
import org.portcullis.auth.api.AuditQuery;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.RefreshTokenMatch;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.RotationResult;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.SessionStore;
import org.portcullis.auth.api.SigningAlgorithm;
import org.portcullis.auth.api.SigningKey;
import org.portcullis.auth.api.SigningKeyStore;
import org.portcullis.auth.api.StoreTransactions;
import org.portcullis.auth.api.StoreUnavailableException;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.api.UserStore;

/**
 * Behaviour of every JDBC store, run once per database by the subclasses (H2 in memory, H2 file,
 * PostgreSQL). Times are fixed instants passed in, as the engine passes them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JdbcStoresSpec {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final ClientInfo CLIENT = new ClientInfo("192.0.2.7", "JUnit");

    Backend backend;

    abstract Backend.Kind kind();

    @BeforeAll
    void open() {
        backend = Backend.of(kind(), 70);
    }

    @AfterAll
    void close() {
        backend.close();
    }

    UserStore users() {
        return backend.jdbc.stores().users();
    }

    SessionStore sessions() {
        return backend.jdbc.stores().sessions();
    }

    AttemptStore attempts() {
        return backend.jdbc.stores().attempts();
    }

    SigningKeyStore keys() {
        return backend.jdbc.stores().signingKeys();
    }

    AuditLog audit() {
        return backend.jdbc.auditLog();
    }

    StoreTransactions transactions() {
        return backend.jdbc.transactions();
    }

    static String id() {
        return UUID.randomUUID().toString();
    }

    static Session session(String userId, Instant now) {
        return Session.start(id(), userId, "alice", Set.of("user", "admin"), now, now.plus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(1)), CLIENT);
    }

    static <T> List<T> race(int threads, Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return task.call();
                }));
            }
            ready.await();
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @Nested
    @DisplayName("the user store")
    class Users {

        UserRecord user(String name) {
            return new UserRecord(id(), name, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", Set.of("user", "a,b", "100%"),
                    true);
        }

        @Test
        @DisplayName("finds a created user by id and by username in any case and spacing")
        void findsCreatedUser() {
            UserRecord u = user("Carol-" + id());
            assertThat(users().create(u)).isTrue();
            assertThat(users().findById(u.id())).contains(u);
            assertThat(users().findByUsername("  " + u.username().toUpperCase() + " ")).contains(u);
        }

        @Test
        @DisplayName("refuses a second user with a taken username or id, changing nothing")
        void refusesDuplicates() {
            UserRecord u = user("dave-" + id());
            users().create(u);
            UserRecord sameName = new UserRecord(id(), u.username(), "x", Set.of(), false);
            UserRecord sameId = new UserRecord(u.id(), "other-" + id(), "x", Set.of(), false);
            assertThat(users().create(sameName)).isFalse();
            assertThat(users().create(sameId)).isFalse();
            assertThat(users().findById(u.id())).contains(u);
        }

        @Test
        @DisplayName("replaces a password hash only when the expected hash is still current")
        void passwordCompareAndSet() {
            UserRecord u = user("erin-" + id());
            users().create(u);
            assertThat(users().updatePasswordHash(u.id(), "stale", "new1")).isFalse();
            assertThat(users().updatePasswordHash(u.id(), u.passwordHash(), "new1")).isTrue();
            assertThat(users().updatePasswordHash(u.id(), u.passwordHash(), "new2")).isFalse();
            assertThat(users().findById(u.id()).orElseThrow().passwordHash()).isEqualTo("new1");
        }

        @Test
        @DisplayName("disables a user, and says so when the user does not exist")
        void enables() {
            UserRecord u = user("frank-" + id());
            users().create(u);
            assertThat(users().setEnabled(u.id(), false)).isTrue();
            assertThat(users().findById(u.id()).orElseThrow().enabled()).isFalse();
            assertThat(users().setEnabled("missing-" + id(), false)).isFalse();
        }

        @Test
        @DisplayName("finds nobody for an unknown or absurdly long username")
        void unknownUser() {
            assertThat(users().findByUsername("nobody-" + id())).isEmpty();
            assertThat(users().findByUsername("x".repeat(5000))).isEmpty();
        }
    }

    @Nested
    @DisplayName("the session store")
    class Sessions {

        @Test
        @DisplayName("returns a created session as it was stored")
        void roundTrip() {
            Session s = session(id(), T0);
            sessions().create(s, "h-" + id());
            assertThat(sessions().find(s.id())).contains(s);
        }

        @Test
        @DisplayName("keeps a session of a user whose id is long (an LDAP DN, say)")
        void longUserId() {
            String user = "cn=" + "x".repeat(600) + ",ou=people,dc=example,dc=org," + id();
            Session s = session(user, T0);
            sessions().create(s, "h-" + id());
            assertThat(sessions().findActiveByUser(user, T0)).containsExactly(s);
        }

        @Test
        @DisplayName("refuses a second session with a taken id")
        void duplicateId() {
            Session s = session(id(), T0);
            sessions().create(s, "h-" + id());
            assertThatThrownBy(() -> sessions().create(s, "h-" + id())).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        @DisplayName("refuses a session whose refresh-token hash is taken, and stores nothing of it")
        void duplicateHash() {
            String hash = "h-" + id();
            sessions().create(session(id(), T0), hash);
            Session second = session(id(), T0);
            assertThatThrownBy(() -> sessions().create(second, hash)).isInstanceOf(IllegalArgumentException.class);
            assertThat(sessions().find(second.id())).isEmpty();
        }

        @Test
        @DisplayName("knows a new session's hash as CURRENT")
        void currentHash() {
            Session s = session(id(), T0);
            String hash = "h-" + id();
            sessions().create(s, hash);
            RefreshTokenMatch m = sessions().findByRefreshTokenHash(hash).orElseThrow();
            assertThat(m.state()).isEqualTo(RefreshTokenMatch.State.CURRENT);
            assertThat(m.session()).isEqualTo(s);
            assertThat(m.rotatedAt()).isEmpty();
        }

        @Test
        @DisplayName("knows nothing of an unknown hash")
        void unknownHash() {
            assertThat(sessions().findByRefreshTokenHash("nope-" + id())).isEmpty();
        }

        @Test
        @DisplayName("after rotations tells the current, the previous and the retired hashes apart")
        void lineage() {
            Session s = session(id(), T0);
            String h1 = "h1-" + id();
            String h2 = "h2-" + id();
            String h3 = "h3-" + id();
            sessions().create(s, h1);
            Instant t1 = T0.plusSeconds(60);
            Instant t2 = T0.plusSeconds(120);
            assertThat(sessions().rotate(s.id(), h1, h2, t1, t1.plus(Duration.ofHours(1)))).isEqualTo(RotationResult.ROTATED);
            assertThat(sessions().rotate(s.id(), h2, h3, t2, t2.plus(Duration.ofHours(1)))).isEqualTo(RotationResult.ROTATED);

            assertThat(sessions().findByRefreshTokenHash(h3).orElseThrow().state()).isEqualTo(RefreshTokenMatch.State.CURRENT);
            RefreshTokenMatch previous = sessions().findByRefreshTokenHash(h2).orElseThrow();
            assertThat(previous.state()).isEqualTo(RefreshTokenMatch.State.PREVIOUS);
            assertThat(previous.rotatedAt()).contains(t2);
            RefreshTokenMatch retired = sessions().findByRefreshTokenHash(h1).orElseThrow();
            assertThat(retired.state()).isEqualTo(RefreshTokenMatch.State.RETIRED);
            assertThat(retired.rotatedAt()).contains(t1);
        }

        @Test
        @DisplayName("a rotation moves the idle expiry, the refresh time and the count")
        void rotationUpdatesSession() {
            Session s = session(id(), T0);
            String h1 = "h-" + id();
            sessions().create(s, h1);
            Instant now = T0.plusSeconds(30);
            Instant idle = now.plus(Duration.ofHours(1));
            sessions().rotate(s.id(), h1, "n-" + id(), now, idle);
            assertThat(sessions().find(s.id())).contains(s.rotated(now, idle));
        }

        @Test
        @DisplayName("a rotation from a hash that is no longer current is STALE and changes nothing")
        void stale() {
            Session s = session(id(), T0);
            String h1 = "h-" + id();
            sessions().create(s, h1);
            sessions().rotate(s.id(), h1, "h2-" + id(), T0.plusSeconds(1), T0.plus(Duration.ofHours(1)));
            Session before = sessions().find(s.id()).orElseThrow();
            assertThat(sessions().rotate(s.id(), h1, "h3-" + id(), T0.plusSeconds(2), T0.plus(Duration.ofHours(2))))
                    .isEqualTo(RotationResult.STALE);
            assertThat(sessions().find(s.id())).contains(before);
        }

        @Test
        @DisplayName("a session is over at its idle expiry instant: rotation then is INACTIVE")
        void idleBoundary() {
            Session s = session(id(), T0);
            String h1 = "h-" + id();
            sessions().create(s, h1);
            Instant justBefore = s.idleExpiresAt().minusNanos(1000);
            assertThat(sessions().rotate(s.id(), h1, "x-" + id(), s.idleExpiresAt(), s.idleExpiresAt().plusSeconds(60)))
                    .isEqualTo(RotationResult.INACTIVE);
            assertThat(sessions().rotate(s.id(), h1, "y-" + id(), justBefore, justBefore.plusSeconds(60)))
                    .isEqualTo(RotationResult.ROTATED);
        }

        @Test
        @DisplayName("a session is over at its absolute expiry whatever its idle expiry")
        void absoluteBoundary() {
            Session s = Session.start(id(), id(), "u", Set.of(), T0, T0.plusSeconds(100), T0.plusSeconds(50), CLIENT);
            String h1 = "h-" + id();
            sessions().create(s, h1);
            assertThat(sessions().rotate(s.id(), h1, "x-" + id(), T0.plusSeconds(50), T0.plusSeconds(100)))
                    .isEqualTo(RotationResult.INACTIVE);
        }

        @Test
        @DisplayName("rotating a revoked or missing session is INACTIVE")
        void inactive() {
            Session s = session(id(), T0);
            String h1 = "h-" + id();
            sessions().create(s, h1);
            sessions().revoke(s.id(), RevocationReason.LOGOUT, T0.plusSeconds(1));
            assertThat(sessions().rotate(s.id(), h1, "x-" + id(), T0.plusSeconds(2), T0.plusSeconds(999)))
                    .isEqualTo(RotationResult.INACTIVE);
            assertThat(sessions().rotate("missing-" + id(), h1, "y-" + id(), T0, T0.plusSeconds(999)))
                    .isEqualTo(RotationResult.INACTIVE);
        }

        @Test
        @DisplayName("64 concurrent rotations of one hash, repeated 50 times: exactly one wins each time")
        void oneWinner() throws Exception {
            for (int round = 0; round < 50; round++) {
                Session s = session(id(), T0);
                String hash = "h-" + id();
                sessions().create(s, hash);
                List<RotationResult> results = race(64, () -> sessions().rotate(s.id(), hash, "n-" + id(),
                        T0.plusSeconds(1), T0.plus(Duration.ofHours(1))));
                assertThat(results).filteredOn(r -> r == RotationResult.ROTATED).hasSize(1);
                assertThat(results).filteredOn(r -> r == RotationResult.STALE).hasSize(63);
                assertThat(sessions().find(s.id()).orElseThrow().refreshCount()).isEqualTo(1);
            }
        }

        @Test
        @DisplayName("revokes a session once; it stays findable with its reason")
        void revokeOnce() {
            Session s = session(id(), T0);
            sessions().create(s, "h-" + id());
            assertThat(sessions().revoke(s.id(), RevocationReason.LOGOUT, T0.plusSeconds(5))).isTrue();
            assertThat(sessions().revoke(s.id(), RevocationReason.REVOKED_BY_ADMIN, T0.plusSeconds(6))).isFalse();
            assertThat(sessions().find(s.id())).contains(s.revoked(T0.plusSeconds(5), RevocationReason.LOGOUT));
            assertThat(sessions().revoke("missing-" + id(), RevocationReason.LOGOUT, T0)).isFalse();
        }

        @Test
        @DisplayName("16 concurrent revocations of one session: exactly one reports it revoked")
        void revokeRace() throws Exception {
            Session s = session(id(), T0);
            sessions().create(s, "h-" + id());
            List<Boolean> results = race(16, () -> sessions().revoke(s.id(), RevocationReason.REFRESH_TOKEN_REUSED, T0));
            assertThat(results).filteredOn(b -> b).hasSize(1);
        }

        @Test
        @DisplayName("revokes all of a user's sessions but the one kept, and names exactly those it revoked")
        void revokeAll() {
            String user = id();
            Session a = session(user, T0);
            Session b = session(user, T0.plusSeconds(1));
            Session c = session(user, T0.plusSeconds(2));
            Session other = session(id(), T0);
            for (Session s : List.of(a, b, c, other)) {
                sessions().create(s, "h-" + id());
            }
            sessions().revoke(b.id(), RevocationReason.LOGOUT, T0.plusSeconds(3));
            List<String> revoked = sessions().revokeAll(user, RevocationReason.LOGOUT_ALL, T0.plusSeconds(4), Optional.of(c.id()));
            assertThat(revoked).containsExactly(a.id());
            assertThat(sessions().revokeAll(user, RevocationReason.LOGOUT_ALL, T0.plusSeconds(5), Optional.empty()))
                    .containsExactly(c.id());
            assertThat(sessions().find(other.id()).orElseThrow().revokedAt()).isEmpty();
            assertThat(sessions().find(a.id()).orElseThrow().revocationReason()).contains(RevocationReason.LOGOUT_ALL);
        }

        @Test
        @DisplayName("lists a user's active sessions oldest first, leaving out revoked and expired ones")
        void activeByUser() {
            String user = id();
            Session old = session(user, T0);
            Session young = session(user, T0.plusSeconds(10));
            Session revoked = session(user, T0.plusSeconds(5));
            Session expired = Session.start(id(), user, "u", Set.of(), T0, T0.plusSeconds(20), T0.plusSeconds(30), CLIENT);
            for (Session s : List.of(young, old, revoked, expired)) {
                sessions().create(s, "h-" + id());
            }
            sessions().revoke(revoked.id(), RevocationReason.LOGOUT, T0.plusSeconds(6));
            assertThat(sessions().findActiveByUser(user, T0.plusSeconds(20))).extracting(Session::id)
                    .containsExactly(old.id(), young.id());
        }

        @Test
        @DisplayName("purges expired and long-revoked sessions with their hashes, at most `limit` per call")
        void purge() {
            // Isolated in time: every other test works around T0; these sessions live in 2030.
            Instant base = Instant.parse("2030-01-01T00:00:00Z");
            Instant now = base.plus(Duration.ofDays(10));
            List<String> hashes = new ArrayList<>();
            List<String> expiredIds = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Session s = Session.start(id(), id(), "u", Set.of(), base, now.minusSeconds(i), now.plusSeconds(99), CLIENT);
                String h = "p-" + id();
                sessions().create(s, h);
                hashes.add(h);
                expiredIds.add(s.id());
            }
            Session revokedLongAgo = Session.start(id(), id(), "u", Set.of(), base, now.plusSeconds(99), now.plusSeconds(99), CLIENT);
            Session revokedRecently = Session.start(id(), id(), "u", Set.of(), base, now.plusSeconds(99), now.plusSeconds(99), CLIENT);
            Session alive = Session.start(id(), id(), "u", Set.of(), base, now.plusNanos(1000), now.plusSeconds(99), CLIENT);
            sessions().create(revokedLongAgo, "p-" + id());
            sessions().create(revokedRecently, "p-" + id());
            sessions().create(alive, "p-" + id());
            sessions().revoke(revokedLongAgo.id(), RevocationReason.LOGOUT, now.minus(Duration.ofDays(2)));
            sessions().revoke(revokedRecently.id(), RevocationReason.LOGOUT, now.minusSeconds(10));
            Instant revokedBefore = now.minus(Duration.ofDays(1));

            List<String> purged = new ArrayList<>();
            List<Session> batch;
            do {
                batch = sessions().purge(now, revokedBefore, 2);
                assertThat(batch.size()).isLessThanOrEqualTo(2);
                batch.forEach(s -> purged.add(s.id()));
            } while (batch.size() == 2);

            List<String> expected = new ArrayList<>(expiredIds);
            expected.add(revokedLongAgo.id());
            // Other tests' sessions share the table and are long expired by 2030, so they may go too.
            assertThat(purged).containsAll(expected).doesNotContain(alive.id(), revokedRecently.id()).doesNotHaveDuplicates();
            assertThat(hashes).allSatisfy(h -> assertThat(sessions().findByRefreshTokenHash(h)).isEmpty());
            assertThat(sessions().find(alive.id())).isPresent();
            assertThat(sessions().find(revokedRecently.id())).isPresent();
        }

        @Test
        @DisplayName("answers a ping")
        void ping() {
            sessions().ping();
        }
    }

    @Nested
    @DisplayName("the attempt store")
    class Attempts {

        final Duration window = Duration.ofMinutes(15);

        @Test
        @DisplayName("counts failures within a window and starts over after it closes")
        void countsAndResets() {
            String key = "user:" + id();
            AttemptState first = attempts().recordFailure(key, T0, window);
            assertThat(first).isEqualTo(new AttemptState(key, 1, T0, T0.plus(window), T0));
            assertThat(attempts().recordFailure(key, T0.plusSeconds(10), window).failures()).isEqualTo(2);
            AttemptState fresh = attempts().recordFailure(key, T0.plus(window), window);
            assertThat(fresh).isEqualTo(new AttemptState(key, 1, T0.plus(window), T0.plus(window).plus(window), T0.plus(window)));
        }

        @Test
        @DisplayName("finds an open window and nothing once it has closed, at its end exactly")
        void find() {
            String key = "ip:" + id();
            attempts().recordFailure(key, T0, window);
            assertThat(attempts().find(key, T0.plus(window).minusSeconds(1))).map(AttemptState::failures).contains(1);
            assertThat(attempts().find(key, T0.plus(window))).isEmpty();
        }

        @Test
        @DisplayName("forgets a key on reset")
        void reset() {
            String key = "pair:" + id();
            attempts().recordFailure(key, T0, window);
            attempts().reset(key);
            assertThat(attempts().find(key, T0)).isEmpty();
        }

        @Test
        @DisplayName("64 concurrent failures on one key count 64, each caller seeing a distinct count")
        void atomic() throws Exception {
            String key = "user:" + id();
            List<Integer> counts = race(64, () -> attempts().recordFailure(key, T0, window).failures());
            assertThat(new HashSet<>(counts)).hasSize(64);
            assertThat(Collections.max(counts)).isEqualTo(64);
            assertThat(attempts().find(key, T0).orElseThrow().failures()).isEqualTo(64);
        }

        @Test
        @DisplayName("counts under a key longer than the column (built from oversized client input) like any other")
        void longKey() {
            String key = "ip:" + "9".repeat(5000) + id();
            attempts().recordFailure(key, T0, window);
            AttemptState second = attempts().recordFailure(key, T0.plusSeconds(1), window);
            assertThat(second.key()).isEqualTo(key);
            assertThat(second.failures()).isEqualTo(2);
            assertThat(attempts().find(key, T0)).contains(second);
            attempts().reset(key);
            assertThat(attempts().find(key, T0)).isEmpty();
        }

        @Test
        @DisplayName("purges closed windows at most `limit` at a time")
        void purge() {
            Instant far = Instant.parse("2031-01-01T00:00:00Z");
            for (int i = 0; i < 3; i++) {
                attempts().recordFailure("old:" + id(), far, window);
            }
            String open = "open:" + id();
            attempts().recordFailure(open, far.plus(window), window);
            Instant now = far.plus(window);
            int total = 0;
            int n;
            do {
                n = attempts().purgeExpired(now, 2);
                assertThat(n).isLessThanOrEqualTo(2);
                total += n;
            } while (n == 2);
            assertThat(total).isGreaterThanOrEqualTo(3);
            assertThat(attempts().find(open, now)).isPresent();
        }
    }

    @Nested
    @DisplayName("the signing-key store")
    class Keys {

        SigningKey key(Instant created) {
            byte[] priv = new byte[48];
            new java.security.SecureRandom().nextBytes(priv);
            return new SigningKey("kid-" + id(), SigningAlgorithm.EdDSA, new byte[] {1, 2, 3}, priv, created, created,
                    Optional.empty(), Optional.empty());
        }

        @Test
        @DisplayName("returns added keys, decrypted, oldest first")
        void roundTrip() {
            SigningKey a = key(Instant.parse("2020-01-01T00:00:00Z").plusNanos(System.nanoTime() % 1000 * 1000));
            SigningKey b = key(a.createdAt().plusSeconds(1));
            assertThat(keys().add(b)).isTrue();
            assertThat(keys().add(a)).isTrue();
            List<SigningKey> all = keys().findAll();
            assertThat(all).contains(a, b);
            assertThat(all.indexOf(a)).isLessThan(all.indexOf(b));
        }

        @Test
        @DisplayName("refuses a second key with a taken kid")
        void duplicateKid() {
            SigningKey a = key(T0);
            keys().add(a);
            assertThat(keys().add(a)).isFalse();
        }

        @Test
        @DisplayName("stores the private part encrypted, with a fresh nonce each time")
        void encryptedAtRest() throws Exception {
            SigningKey a = key(T0);
            SigningKey sameMaterial = new SigningKey("kid-" + id(), a.algorithm(), a.publicKey(), a.privateKey(), T0, T0,
                    Optional.empty(), Optional.empty());
            keys().add(a);
            keys().add(sameMaterial);
            byte[] sealedA = rawPrivate(a.kid());
            byte[] sealedB = rawPrivate(sameMaterial.kid());
            assertThat(indexOf(sealedA, a.privateKey())).isEqualTo(-1);
            assertThat(java.util.Arrays.copyOfRange(sealedA, 1, 13)).isNotEqualTo(java.util.Arrays.copyOfRange(sealedB, 1, 13));
            assertThat(sealedA.length).isEqualTo(1 + 12 + a.privateKey().length + 16);
        }

        @Test
        @DisplayName("cannot be read with another key-encryption key: fails closed")
        void wrongKek() {
            keys().add(key(T0));
            JdbcStores other = JdbcStores.create(backend.dataSource, Backend.newKek());
            assertThatThrownBy(() -> other.stores().signingKeys().findAll())
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("cannot be decrypted");
        }

        @Test
        @DisplayName("notices a row whose algorithm was altered")
        void algorithmBound() throws Exception {
            SigningKey a = key(T0);
            keys().add(a);
            try (Connection c = backend.dataSource.getConnection();
                 PreparedStatement ps = c.prepareStatement("UPDATE portcullis_signing_keys SET algorithm = 'HS256' WHERE kid = ?")) {
                ps.setString(1, a.kid());
                ps.executeUpdate();
            }
            try {
                assertThatThrownBy(() -> keys().findAll()).isInstanceOf(StoreUnavailableException.class);
            } finally {
                try (Connection c = backend.dataSource.getConnection();
                     PreparedStatement ps = c.prepareStatement("DELETE FROM portcullis_signing_keys WHERE kid = ?")) {
                    ps.setString(1, a.kid());
                    ps.executeUpdate();
                }
            }
        }

        @Test
        @DisplayName("updates a key's schedule and deletes it once it can no longer verify")
        void scheduleAndExpiry() {
            SigningKey a = key(T0);
            keys().add(a);
            Instant far = Instant.parse("2099-01-01T00:00:00Z");
            SigningKey retired = a.retire(far, far.plusSeconds(60));
            assertThat(keys().update(retired)).isTrue();
            assertThat(keys().findAll()).contains(retired);
            assertThat(keys().update(key(T0))).isFalse();
            keys().deleteExpired(far.plusSeconds(59));
            assertThat(keys().findAll()).extracting(SigningKey::kid).contains(a.kid());
            assertThat(keys().deleteExpired(far.plusSeconds(60))).isGreaterThanOrEqualTo(1);
            assertThat(keys().findAll()).extracting(SigningKey::kid).doesNotContain(a.kid());
        }

        private byte[] rawPrivate(String kid) throws Exception {
            try (Connection c = backend.dataSource.getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT encrypted_private_key FROM portcullis_signing_keys WHERE kid = ?")) {
                ps.setString(1, kid);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getBytes(1);
                }
            }
        }

        private int indexOf(byte[] haystack, byte[] needle) {
            outer:
            for (int i = 0; i + needle.length <= haystack.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (haystack[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }
    }

    @Nested
    @DisplayName("the audit log")
    class Audit {

        AuditEvent event(String user, AuditEventType type, Instant at) {
            return AuditEvent.builder(type, at).user(user, "name-" + user).session("s").client(CLIENT).reason("r").build();
        }

        @Test
        @DisplayName("returns a user's events of chosen types within a time range, in time order")
        void filters() {
            String user = id();
            AuditEvent login = event(user, AuditEventType.LOGIN_SUCCEEDED, T0);
            AuditEvent refresh = event(user, AuditEventType.TOKEN_REFRESHED, T0.plusSeconds(1));
            AuditEvent failed = event(user, AuditEventType.LOGIN_FAILED, T0.plusSeconds(2));
            AuditEvent late = event(user, AuditEventType.LOGIN_SUCCEEDED, T0.plusSeconds(3));
            AuditEvent otherUser = event(id(), AuditEventType.LOGIN_SUCCEEDED, T0.plusSeconds(1));
            for (AuditEvent e : List.of(late, failed, refresh, login, otherUser)) {
                audit().record(e);
            }
            assertThat(audit().query(AuditQuery.all().forUser(user)).events()).containsExactly(login, refresh, failed, late);
            assertThat(audit().query(AuditQuery.all().forUser(user)
                    .ofTypes(Set.of(AuditEventType.LOGIN_SUCCEEDED, AuditEventType.LOGIN_FAILED))).events())
                    .containsExactly(login, failed, late);
            assertThat(audit().query(AuditQuery.all().forUser(user).between(T0.plusSeconds(1), T0.plusSeconds(3))).events())
                    .containsExactly(refresh, failed);
        }

        @Test
        @DisplayName("pages through events by cursor, also among events of the same instant, without gaps or repeats")
        void paging() {
            String user = id();
            List<AuditEvent> recorded = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                AuditEvent e = event(user, AuditEventType.TOKEN_REFRESHED, T0.plusSeconds(i / 5));
                audit().record(e);
                recorded.add(e);
            }
            List<AuditEvent> seen = new ArrayList<>();
            AuditQuery q = AuditQuery.all().forUser(user).limit(10);
            int pages = 0;
            while (true) {
                AuditPage page = audit().query(q);
                pages++;
                seen.addAll(page.events());
                if (page.nextCursor().isEmpty()) {
                    break;
                }
                q = q.after(page.nextCursor().get());
            }
            assertThat(pages).isEqualTo(3);
            assertThat(seen).containsExactlyInAnyOrderElementsOf(recorded);
            assertThat(seen).isSortedAccordingTo(java.util.Comparator.comparing(AuditEvent::at).thenComparing(AuditEvent::id));
        }

        @Test
        @DisplayName("keeps one copy of an event recorded twice")
        void dedup() {
            String user = id();
            AuditEvent e = event(user, AuditEventType.LOGGED_OUT, T0);
            audit().record(e);
            audit().record(e);
            assertThat(audit().query(AuditQuery.all().forUser(user)).events()).containsExactly(e);
        }

        @Test
        @DisplayName("rejects a malformed cursor")
        void badCursor() {
            assertThatThrownBy(() -> audit().query(AuditQuery.all().after("not a cursor!")))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        @DisplayName("purges events older than the cutoff, at most `limit` per call, keeping the one at the cutoff")
        void purge() {
            Instant ancient = Instant.parse("2001-01-01T00:00:00Z");
            String user = id();
            for (int i = 0; i < 5; i++) {
                audit().record(event(user, AuditEventType.LOGIN_FAILED, ancient.plusSeconds(i)));
            }
            Instant cutoff = ancient.plusSeconds(4);
            assertThat(audit().purgeBefore(cutoff, 3)).isEqualTo(3);
            assertThat(audit().purgeBefore(cutoff, 3)).isEqualTo(1);
            assertThat(audit().query(AuditQuery.all().forUser(user)).events()).extracting(AuditEvent::at).containsExactly(cutoff);
        }
    }

    @Nested
    @DisplayName("transactions")
    class Transactions {

        @Test
        @DisplayName("commit a session and its audit event together")
        void commitTogether() {
            Session s = session(id(), T0);
            AuditEvent e = AuditEvent.builder(AuditEventType.LOGIN_SUCCEEDED, T0).user(s.userId(), "alice").session(s.id()).build();
            transactions().inTransaction(() -> {
                sessions().create(s, "h-" + id());
                audit().record(e);
                return null;
            });
            assertThat(sessions().find(s.id())).isPresent();
            assertThat(audit().query(AuditQuery.all().forUser(s.userId())).events()).containsExactly(e);
        }

        @Test
        @DisplayName("roll back every store write when the work throws, and let the exception through unchanged")
        void rollBackTogether() {
            Session s = session(id(), T0);
            String hash = "h-" + id();
            sessions().create(s, hash);
            IllegalStateException boom = new IllegalStateException("boom");
            assertThatThrownBy(() -> transactions().inTransaction(() -> {
                sessions().rotate(s.id(), hash, "n-" + id(), T0.plusSeconds(1), T0.plus(Duration.ofHours(2)));
                audit().record(AuditEvent.builder(AuditEventType.TOKEN_REFRESHED, T0).user(s.userId(), "alice").build());
                throw boom;
            })).isSameAs(boom);
            assertThat(sessions().findByRefreshTokenHash(hash).orElseThrow().state()).isEqualTo(RefreshTokenMatch.State.CURRENT);
            assertThat(audit().query(AuditQuery.all().forUser(s.userId())).events()).isEmpty();
        }

        @Test
        @DisplayName("nested transactions join the outer one: an outer rollback undoes the inner work")
        void nestedJoins() {
            Session s = session(id(), T0);
            assertThatThrownBy(() -> transactions().inTransaction(() -> {
                transactions().inTransaction(() -> {
                    sessions().create(s, "h-" + id());
                    return null;
                });
                assertThat(sessions().find(s.id())).isPresent();
                throw new IllegalStateException("outer fails");
            })).hasMessage("outer fails");
            assertThat(sessions().find(s.id())).isEmpty();
        }
    }

    @Nested
    @DisplayName("the schema")
    class Schema {

        @Test
        @DisplayName("migrates idempotently and records its version")
        void idempotent() {
            assertThat(backend.jdbc.migrate()).isEqualTo(JdbcStores.SCHEMA_VERSION);
            assertThat(backend.jdbc.migrate()).isEqualTo(JdbcStores.SCHEMA_VERSION);
            assertThat(backend.jdbc.installedSchemaVersion()).contains(JdbcStores.SCHEMA_VERSION);
        }

        @Test
        @DisplayName("reports no version on an empty database, and detects its dialect")
        void emptyDatabase() {
            java.nio.file.Path dir = TempDirs.create("portcullis-h2-");
            try (var ds = Backend.pool(Backend.url(kind(), dir), 2)) {
                JdbcStores fresh = JdbcStores.create(ds, Backend.newKek());
                assertThat(fresh.dialect()).isEqualTo(kind() == Backend.Kind.POSTGRESQL ? JdbcDialect.POSTGRESQL : JdbcDialect.H2);
                assertThat(fresh.installedSchemaVersion()).isEmpty();
                assertThat(fresh.migrate()).isEqualTo(1);
            } finally {
                TempDirs.delete(dir);
            }
        }
    }
}
