package org.portcullis.auth.store.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.RefreshTokenMatch.State;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.RotationResult;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.StoreUnavailableException;

@DisplayName("InMemorySessionStore")
class InMemorySessionStoreTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    private final InMemorySessionStore store = new InMemorySessionStore(clock);

    private static Session session(String id, String user, Instant at) {
        return Session.start(id, user, user, Set.of("user"), at, at.plusSeconds(3600), at.plusSeconds(7200),
                ClientInfo.ofIp("192.0.2.1"));
    }

    @Nested
    @DisplayName("rotation")
    class Rotation {

        @Test
        @DisplayName("records the lineage: current, previous with its rotation time, and retired")
        void lineage() {
            store.create(session("s1", "u1", T0), "h0");
            Instant t1 = T0.plusSeconds(10);
            Instant t2 = T0.plusSeconds(20);
            assertThat(store.rotate("s1", "h0", "h1", t1, t1.plusSeconds(3600))).isEqualTo(RotationResult.ROTATED);
            assertThat(store.rotate("s1", "h1", "h2", t2, t2.plusSeconds(3600))).isEqualTo(RotationResult.ROTATED);

            assertThat(store.findByRefreshTokenHash("h2").orElseThrow().state()).isEqualTo(State.CURRENT);
            var previous = store.findByRefreshTokenHash("h1").orElseThrow();
            assertThat(previous.state()).isEqualTo(State.PREVIOUS);
            assertThat(previous.rotatedAt()).contains(t2);
            var retired = store.findByRefreshTokenHash("h0").orElseThrow();
            assertThat(retired.state()).isEqualTo(State.RETIRED);
            assertThat(retired.rotatedAt()).contains(t1);
            assertThat(previous.session().refreshCount()).isEqualTo(2);
            assertThat(previous.session().lastRefreshedAt()).isEqualTo(t2);
        }

        @Test
        @DisplayName("lets exactly one of 32 concurrent rotations of the same hash win")
        void oneWinner() throws Exception {
            store.create(session("s1", "u1", T0), "h0");
            int threads = 32;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                CountDownLatch ready = new CountDownLatch(threads);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<RotationResult>> results = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    String next = "n" + i;
                    results.add(pool.submit(() -> {
                        ready.countDown();
                        go.await();
                        return store.rotate("s1", "h0", next, T0.plusSeconds(1), T0.plusSeconds(3601));
                    }));
                }
                ready.await();
                go.countDown();
                int rotated = 0;
                for (Future<RotationResult> f : results) {
                    if (f.get() == RotationResult.ROTATED) {
                        rotated++;
                    } else {
                        assertThat(f.get()).isEqualTo(RotationResult.STALE);
                    }
                }
                assertThat(rotated).isEqualTo(1);
                assertThat(store.find("s1").orElseThrow().refreshCount()).isEqualTo(1);
            } finally {
                pool.shutdownNow();
            }
        }

        @Test
        @DisplayName("forgets the oldest rotated hashes past the per-session cap")
        void rotatedCap() {
            var small = new InMemorySessionStore(clock, 10, 2, Duration.ofDays(1));
            small.create(session("s1", "u1", T0), "h0");
            for (int i = 1; i <= 4; i++) {
                Instant t = T0.plusSeconds(i);
                assertThat(small.rotate("s1", "h" + (i - 1), "h" + i, t, t.plusSeconds(3600)))
                        .isEqualTo(RotationResult.ROTATED);
            }
            assertThat(small.findByRefreshTokenHash("h3").orElseThrow().state()).isEqualTo(State.PREVIOUS);
            assertThat(small.findByRefreshTokenHash("h2").orElseThrow().state()).isEqualTo(State.RETIRED);
            assertThat(small.findByRefreshTokenHash("h1")).isEmpty();
            assertThat(small.findByRefreshTokenHash("h0")).isEmpty();
        }

        @Test
        @DisplayName("refuses a new hash that another session already uses, changing nothing")
        void duplicateNewHash() {
            store.create(session("s1", "u1", T0), "a0");
            store.create(session("s2", "u1", T0), "b0");
            assertThatThrownBy(() -> store.rotate("s1", "a0", "b0", T0, T0.plusSeconds(60)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(store.findByRefreshTokenHash("a0").orElseThrow().state()).isEqualTo(State.CURRENT);
            assertThat(store.findByRefreshTokenHash("b0").orElseThrow().session().id()).isEqualTo("s2");
        }
    }

    @Nested
    @DisplayName("bounds")
    class Bounds {

        @Test
        @DisplayName("makes room for a new session by dropping sessions that are over when full")
        void dropsOverSessionsWhenFull() {
            var small = new InMemorySessionStore(clock, 2, 10, Duration.ofDays(1));
            small.create(session("s1", "u1", T0), "h1");
            small.create(session("s2", "u1", T0), "h2");
            small.revoke("s1", RevocationReason.LOGOUT, T0);

            small.create(session("s3", "u1", T0), "h3");

            assertThat(small.find("s1")).isEmpty();
            assertThat(small.findByRefreshTokenHash("h1")).isEmpty();
            assertThat(small.size()).isEqualTo(2);
        }

        @Test
        @DisplayName("fails closed when full of live sessions")
        void failsClosedWhenFull() {
            var small = new InMemorySessionStore(clock, 2, 10, Duration.ofDays(1));
            small.create(session("s1", "u1", T0), "h1");
            small.create(session("s2", "u1", T0), "h2");

            assertThatThrownBy(() -> small.create(session("s3", "u1", T0), "h3"))
                    .isInstanceOf(StoreUnavailableException.class);
            assertThat(small.find("s3")).isEmpty();
            assertThat(small.findByRefreshTokenHash("h3")).isEmpty();
        }

        @Test
        @DisplayName("drops long-over sessions on its own as sessions are created")
        void housekeeping() {
            var moving = new MovingClock(T0);
            var swept = new InMemorySessionStore(moving, 100_000, 10, Duration.ofDays(1));
            swept.create(session("old", "u1", T0), "old");
            moving.now = T0.plus(Duration.ofDays(3));
            for (int i = 0; i < InMemorySessionStore.SWEEP_EVERY_CREATES; i++) {
                swept.create(session("s" + i, "u2", moving.now), "h" + i);
            }
            assertThat(swept.find("old")).isEmpty();
            assertThat(swept.findActiveByUser("u2", moving.now)).hasSize(InMemorySessionStore.SWEEP_EVERY_CREATES);
        }

        @Test
        @DisplayName("refuses a duplicate session id without disturbing the existing session")
        void duplicateId() {
            store.create(session("s1", "u1", T0), "h1");
            assertThatThrownBy(() -> store.create(session("s1", "u2", T0), "h2"))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(store.findByRefreshTokenHash("h2")).isEmpty();
            assertThat(store.findActiveByUser("u1", T0)).extracting(Session::id).containsExactly("s1");
            assertThat(store.findActiveByUser("u2", T0)).isEmpty();
        }
    }

    @Nested
    @DisplayName("expiry and purge")
    class ExpiryAndPurge {

        @Test
        @DisplayName("refuses to rotate at the idle expiry instant but not a nanosecond before")
        void boundary() {
            store.create(session("s1", "u1", T0), "h0");
            Instant idle = T0.plusSeconds(3600);
            assertThat(store.rotate("s1", "h0", "h1", idle, idle.plusSeconds(60))).isEqualTo(RotationResult.INACTIVE);
            assertThat(store.findActiveByUser("u1", idle)).isEmpty();
            Instant justBefore = idle.minusNanos(1);
            assertThat(store.rotate("s1", "h0", "h1", justBefore, idle.plusSeconds(60))).isEqualTo(RotationResult.ROTATED);
        }

        @Test
        @DisplayName("purges no more than the limit per call, expired and long-revoked alike, with their hashes")
        void batches() {
            for (int i = 0; i < 5; i++) {
                store.create(session("e" + i, "u1", T0), "he" + i);
            }
            store.create(session("r", "u2", T0.plusSeconds(7200)), "hr");
            store.revoke("r", RevocationReason.LOGOUT, T0.plusSeconds(7200));
            store.create(session("live", "u2", T0.plusSeconds(7200)), "hl");
            Instant now = T0.plusSeconds(7200);

            List<Session> first = store.purge(now, now, 4);
            List<Session> second = store.purge(now, now, 4);

            assertThat(first).hasSize(4);
            assertThat(second).hasSize(2);
            assertThat(store.purge(now, now, 4)).isEmpty();
            assertThat(store.find("live")).isPresent();
            assertThat(store.findByRefreshTokenHash("hr")).isEmpty();
            assertThat(store.size()).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("revokeAll skips the excepted session and reports only what it revoked")
    void revokeAll() {
        store.create(session("s1", "u1", T0), "h1");
        store.create(session("s2", "u1", T0.plusSeconds(1)), "h2");
        store.create(session("s3", "u1", T0.plusSeconds(2)), "h3");
        store.revoke("s2", RevocationReason.LOGOUT, T0);

        assertThat(store.revokeAll("u1", RevocationReason.LOGOUT_ALL, T0, Optional.of("s3"))).containsExactly("s1");
        assertThat(store.findActiveByUser("u1", T0)).extracting(Session::id).containsExactly("s3");
    }

    @Test
    @DisplayName("toString names no hash")
    void toStringRedacts() {
        store.create(session("s1", "u1", T0), "secret-hash");
        assertThat(store.toString()).doesNotContain("secret-hash");
    }

    /** A clock the test moves by assignment. */
    static final class MovingClock extends Clock {
        volatile Instant now;

        MovingClock(Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
