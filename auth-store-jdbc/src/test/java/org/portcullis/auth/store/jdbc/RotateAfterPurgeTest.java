package org.portcullis.auth.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.RotationResult;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.SessionStore;

/**
 * A refresh on one node rotates a session while the cleanup job on another node (whose clock is
 * ahead, so the session has ended there) purges it. The purge's transaction is held open after
 * its deletes, the rotation is seen waiting for the row, and then the purge commits. The rotation
 * must then fail cleanly as INACTIVE (an invalid refresh, never an error), and nothing of the
 * session may come back: no session row, no token row, neither hash found.
 */
@DisplayName("a rotation that waits for a purge deleting its session")
class RotateAfterPurgeTest {

    private static final Instant T0 = Instant.parse("2026-05-04T08:00:00Z");

    @ParameterizedTest(name = "on {0}")
    @EnumSource(value = Backend.Kind.class, names = {"H2_FILE", "POSTGRESQL"})
    @DisplayName("is INACTIVE once the purge commits, and resurrects nothing")
    void inactiveAndNothingResurrected(Backend.Kind kind) throws Exception {
        try (Backend b = Backend.of(kind, 4)) {
            SessionStore store = b.jdbc.stores().sessions();
            Session s = Session.start("s-1", "u-1", "alice", Set.of("user"), T0, T0.plus(Duration.ofHours(4)),
                    T0.plus(Duration.ofDays(3)), ClientInfo.ofIp("192.0.2.1"));
            store.create(s, "h0");
            assertThat(store.rotate("s-1", "h0", "h1", T0.plus(Duration.ofHours(1)), T0.plus(Duration.ofHours(5))))
                    .isEqualTo(RotationResult.ROTATED);
            // The purging node's own Db, so that its transaction can be held open around the purge.
            Db purgeDb = new Db(Jdbi.create(b.dataSource), b.jdbc.dialect(), false);
            JdbcSessionStore purging = new JdbcSessionStore(purgeDb);
            CountDownLatch deleted = new CountDownLatch(1);
            CountDownLatch commit = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<List<Session>> purge = pool.submit(() -> purgeDb.inTransaction("test", h -> {
                    List<Session> gone = purging.purge(T0.plus(Duration.ofHours(5)), T0, 10);
                    deleted.countDown();
                    await(commit);
                    return gone;
                }));
                assertThat(deleted.await(60, TimeUnit.SECONDS)).isTrue();
                // The refreshing node still sees the session live (its clock is behind).
                Future<RotationResult> rotation = pool.submit(() -> store.rotate("s-1", "h1", "h2",
                        T0.plus(Duration.ofHours(4)), T0.plus(Duration.ofHours(8))));
                awaitWaiting(b, rotation);
                commit.countDown();

                assertThat(purge.get(60, TimeUnit.SECONDS)).extracting(Session::id).containsExactly("s-1");
                assertThat(rotation.get(60, TimeUnit.SECONDS)).isEqualTo(RotationResult.INACTIVE);
            } finally {
                commit.countDown();
                pool.shutdownNow();
            }
            assertThat(store.find("s-1")).isEmpty();
            assertThat(store.findByRefreshTokenHash("h1")).isEmpty();
            assertThat(store.findByRefreshTokenHash("h2")).isEmpty();
            int tokens = Jdbi.create(b.dataSource).withHandle(h -> h
                    .createQuery("SELECT COUNT(*) FROM portcullis_refresh_tokens WHERE session_id = 's-1'")
                    .mapTo(Integer.class).one());
            assertThat(tokens).isZero();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new AssertionError("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Until a connection waits for a row lock (the rotation behind the purge), or the rotation has ended. */
    private static void awaitWaiting(Backend backend, Future<?> call) throws Exception {
        String sql = backend.kind == Backend.Kind.POSTGRESQL
                ? "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                : "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE BLOCKER_ID IS NOT NULL";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (Connection c = backend.dataSource.getConnection(); Statement st = c.createStatement()) {
            while (!call.isDone()) {
                try (ResultSet rs = st.executeQuery(sql)) {
                    rs.next();
                    if (rs.getInt(1) >= 1) {
                        return;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the rotation never waited for the purge's row");
                }
                Thread.onSpinWait();
            }
            throw new AssertionError("the rotation ended without waiting for the purge: " + call.get());
        }
    }
}
