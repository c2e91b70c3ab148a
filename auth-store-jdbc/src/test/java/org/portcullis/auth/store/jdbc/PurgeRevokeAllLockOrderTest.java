package org.portcullis.auth.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.SessionStore;

/**
 * A cleanup batch and a {@code logoutAll} of the same user meet on the same rows: the user's
 * sessions are expired but not revoked, so both statements want to lock all of them. The
 * sessions are laid out so that every index orders them differently: created (the user index)
 * and inserted (the heap) in id order, expiring (the expiry index) in reverse id order. A third
 * transaction holds the middle row, both calls are started and seen waiting for a lock, and
 * then the middle row is let go (with either call first in line). Had the two calls locked rows in different orders, each would
 * now hold rows the other waits for, and the database would abort one of them (PostgreSQL
 * after its one-second {@code deadlock_timeout}, H2 at once); both must instead finish.
 *
 * <p>No timing decides the interleaving: the test waits until the database reports both
 * sessions blocked on a lock before it releases the middle row.
 */
@DisplayName("a cleanup batch and a concurrent logoutAll of the same user")
class PurgeRevokeAllLockOrderTest {

    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
    private static final int SESSIONS = 40;
    private static final String USER = "victim";

    enum First { PURGE, REVOKE_ALL }

    static Stream<Arguments> cases() {
        return Stream.of(Backend.Kind.H2_FILE, Backend.Kind.POSTGRESQL)
                .flatMap(kind -> Stream.of(First.values()).map(first -> Arguments.of(kind, first)));
    }

    @ParameterizedTest(name = "on {0}, {1} first in line")
    @MethodSource("cases")
    @DisplayName("both finish without a deadlock, and the user's expired sessions are purged")
    void noDeadlock(Backend.Kind kind, First first) throws Exception {
        try (Backend backend = Backend.of(kind, 4)) {
            SessionStore sessions = backend.jdbc.stores().sessions();
            // Live sessions of other users, so the planner walks the indexes as it does on a real table.
            Seeder.sessions(backend.dataSource, backend.jdbc.dialect(), "live", 5_000, 500,
                    NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1)));
            List<String> ids = new ArrayList<>();
            for (int i = 1; i <= SESSIONS; i++) {
                String id = String.format("d%03d", i);
                Instant created = NOW.minus(Duration.ofDays(10)).plus(Duration.ofMinutes(i));
                Instant idle = NOW.minus(Duration.ofDays(1)).minus(Duration.ofMinutes(i));
                sessions.create(Session.start(id, USER, "victim", Set.of("user"), created, idle,
                        NOW.plus(Duration.ofDays(20)), ClientInfo.ofIp("192.0.2.9")), "hash-" + id);
                ids.add(id);
            }
            analyze(backend);

            Callable<List<String>> purgeCall = () -> sessions.purge(NOW, NOW.minus(Duration.ofDays(1)), 1_000)
                    .stream().map(Session::id).toList();
            Callable<List<String>> revokeAllCall = () -> sessions.revokeAll(USER, RevocationReason.LOGOUT_ALL, NOW,
                    Optional.empty());
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try (Connection blocker = backend.dataSource.getConnection()) {
                blocker.setAutoCommit(false);
                lock(blocker, ids.get(SESSIONS / 2));

                Future<List<String>> one = pool.submit(first == First.PURGE ? purgeCall : revokeAllCall);
                awaitWaiting(backend, 1, one);
                Future<List<String>> two = pool.submit(first == First.PURGE ? revokeAllCall : purgeCall);
                awaitWaiting(backend, 2, two);
                blocker.rollback();

                List<String> purged = outcome(first == First.PURGE ? one : two);
                List<String> revoked = outcome(first == First.PURGE ? two : one);
                // Whoever is first in line for the rows takes them all. A purge that goes first
                // leaves logoutAll nothing to revoke; a logoutAll that goes first revokes every
                // session, and the purge then removes them all the same, since they are expired.
                assertThat(purged).containsExactlyInAnyOrderElementsOf(ids);
                if (first == First.PURGE) {
                    assertThat(revoked).isEmpty();
                } else {
                    assertThat(revoked).containsExactlyInAnyOrderElementsOf(ids);
                }
                assertThat(ids).allSatisfy(id -> assertThat(sessions.find(id)).isEmpty());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @ParameterizedTest(name = "on {0}")
    @EnumSource(value = Backend.Kind.class, names = {"H2_FILE", "POSTGRESQL"})
    @DisplayName("a purge that meets a live session and chooses again does not wait for rows a logoutAll holds")
    void noDeadlockAcrossPurgeRounds(Backend.Kind kind) throws Exception {
        try (Backend backend = Backend.of(kind, 4)) {
            SessionStore sessions = backend.jdbc.stores().sessions();
            Seeder.sessions(backend.dataSource, backend.jdbc.dialect(), "live", 5_000, 500,
                    NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1)));
            // The victim's "a1" (expired) and "m1" (live, but due a purge check), and another
            // user's "p1" (expired). Check times put m1 and p1 in the purge's first round of two
            // and a1 in its second.
            Instant created = NOW.minus(Duration.ofDays(2));
            sessions.create(Session.start("a1", USER, "victim", Set.of("user"), created, NOW.minus(Duration.ofHours(1)),
                    NOW.plus(Duration.ofDays(20)), ClientInfo.ofIp("192.0.2.9")), "hash-a1");
            sessions.create(Session.start("m1", USER, "victim", Set.of("user"), created, NOW.plus(Duration.ofDays(1)),
                    NOW.plus(Duration.ofDays(20)), ClientInfo.ofIp("192.0.2.9")), "hash-m1");
            sessions.create(Session.start("p1", "other", "other", Set.of("user"), created, NOW.minus(Duration.ofHours(2)),
                    NOW.plus(Duration.ofDays(20)), ClientInfo.ofIp("192.0.2.9")), "hash-p1");
            try (Connection c = backend.dataSource.getConnection();
                 PreparedStatement ps = c.prepareStatement("UPDATE portcullis_sessions SET purge_check_at = ? WHERE id = 'm1'")) {
                ps.setObject(1, java.time.OffsetDateTime.ofInstant(NOW.minus(Duration.ofHours(3)), java.time.ZoneOffset.UTC));
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            analyze(backend);

            ExecutorService pool = Executors.newFixedThreadPool(2);
            try (Connection blocker = backend.dataSource.getConnection()) {
                blocker.setAutoCommit(false);
                lock(blocker, "p1");
                // Round one locks m1, then waits for p1.
                Future<List<String>> purge = pool.submit(() -> sessions.purge(NOW, NOW.minus(Duration.ofDays(1)), 2)
                        .stream().map(Session::id).toList());
                awaitWaiting(backend, 1, purge);
                // logoutAll locks a1, then waits for m1, which the purge holds.
                Future<List<String>> revokeAll = pool.submit(() -> sessions.revokeAll(USER, RevocationReason.LOGOUT_ALL,
                        NOW, Optional.empty()));
                awaitWaiting(backend, 2, revokeAll);
                blocker.rollback();

                // Round one purges p1 and moves m1 on; the next rounds find a1 held and skip it
                // rather than wait for it while holding m1, which logoutAll waits for.
                assertThat(outcome(purge)).containsExactly("p1");
                assertThat(outcome(revokeAll)).containsExactlyInAnyOrder("a1", "m1");
                assertThat(sessions.purge(NOW, NOW.minus(Duration.ofDays(1)), 10)).extracting(Session::id)
                        .containsExactly("a1");
                assertThat(sessions.find("m1")).isPresent();
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** The call's result, or the exception it failed with (a deadlock surfaces as StoreUnavailableException). */
    private static <T> T outcome(Future<T> call) throws Exception {
        try {
            return call.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("the call failed: " + e.getCause(), e.getCause());
        }
    }

    private static void lock(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM portcullis_sessions WHERE id = ? FOR UPDATE")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
            }
        }
    }

    private static void analyze(Backend backend) throws SQLException {
        try (Connection c = backend.dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("ANALYZE");
        }
    }

    /** Polls the database until {@code expected} sessions wait for a row lock, or {@code call} has ended. */
    private static void awaitWaiting(Backend backend, int expected, Future<?> call) throws Exception {
        String sql = backend.kind == Backend.Kind.POSTGRESQL
                ? "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                : "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE BLOCKER_ID IS NOT NULL";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (Connection c = backend.dataSource.getConnection(); Statement s = c.createStatement()) {
            while (true) {
                if (call.isDone()) {
                    outcome(call);
                    throw new AssertionError("the call finished before it reached the locked row");
                }
                try (ResultSet rs = s.executeQuery(sql)) {
                    rs.next();
                    if (rs.getInt(1) >= expected) {
                        return;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("never saw " + expected + " session(s) waiting for a lock");
                }
                Thread.onSpinWait();
            }
        }
    }
}
