package org.portcullis.auth.store.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
import org.portcullis.auth.api.AttemptState;
import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuditLog;
import org.portcullis.auth.api.AuditPage;
import org.portcullis.auth.api.AuditQuery;
import org.portcullis.auth.api.SigningAlgorithm;
import org.portcullis.auth.api.SigningKey;
import org.portcullis.auth.api.StoreTransactions;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.api.UserRecord;

@DisplayName("the in-memory stores")
class InMemoryStoresTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    @DisplayName("come as a complete set with a queryable audit log and no transactions")
    void factory() {
        Stores stores = InMemoryStores.create(Clock.systemUTC());
        assertThat(stores.audit()).isInstanceOf(AuditLog.class);
        assertThat(stores.transactions()).isSameAs(StoreTransactions.NONE);
        assertThat(stores.sessions()).isInstanceOf(InMemorySessionStore.class);
    }

    @Nested
    @DisplayName("user store")
    class Users {
        private final InMemoryUserStore users = new InMemoryUserStore();

        @Test
        @DisplayName("finds a user by any spelling of the username")
        void normalised() {
            users.create(new UserRecord("u1", "Alice", "$h1", Set.of("admin"), true));
            assertThat(users.findByUsername("  ALICE ")).map(UserRecord::id).contains("u1");
        }

        @Test
        @DisplayName("refuses a taken id or username")
        void duplicates() {
            assertThat(users.create(new UserRecord("u1", "alice", "$h1", Set.of(), true))).isTrue();
            assertThat(users.create(new UserRecord("u1", "bob", "$h2", Set.of(), true))).isFalse();
            assertThat(users.create(new UserRecord("u2", "Alice", "$h2", Set.of(), true))).isFalse();
            assertThat(users.findByUsername("bob")).isEmpty();
        }

        @Test
        @DisplayName("replaces a password hash only if it is still the expected one")
        void compareAndSet() {
            users.create(new UserRecord("u1", "alice", "$h1", Set.of(), true));
            assertThat(users.updatePasswordHash("u1", "$other", "$h2")).isFalse();
            assertThat(users.updatePasswordHash("u1", "$h1", "$h2")).isTrue();
            assertThat(users.findByUsername("alice").orElseThrow().passwordHash()).isEqualTo("$h2");
            assertThat(users.updatePasswordHash("nobody", "$h1", "$h2")).isFalse();
        }

        @Test
        @DisplayName("disables a user and reports a missing one")
        void enable() {
            users.create(new UserRecord("u1", "alice", "$h1", Set.of(), true));
            assertThat(users.setEnabled("u1", false)).isTrue();
            assertThat(users.findById("u1").orElseThrow().enabled()).isFalse();
            assertThat(users.setEnabled("u9", false)).isFalse();
        }
    }

    @Nested
    @DisplayName("attempt store")
    class Attempts {
        private final InMemoryAttemptStore attempts = new InMemoryAttemptStore();
        private final Duration window = Duration.ofMinutes(15);

        @Test
        @DisplayName("counts within a window and starts over once the window closes, at its end exactly")
        void window() {
            attempts.recordFailure("ip:a", T0, window);
            AttemptState second = attempts.recordFailure("ip:a", T0.plusSeconds(1), window);
            assertThat(second.failures()).isEqualTo(2);
            assertThat(second.windowEnd()).isEqualTo(T0.plus(window));
            assertThat(attempts.find("ip:a", T0.plus(window).minusNanos(1))).isPresent();
            assertThat(attempts.find("ip:a", T0.plus(window))).isEmpty();
            assertThat(attempts.recordFailure("ip:a", T0.plus(window), window).failures()).isEqualTo(1);
        }

        @Test
        @DisplayName("counts each of 32 concurrent failures once")
        void concurrent() throws Exception {
            int threads = 32;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> done = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    done.add(pool.submit(() -> {
                        go.await();
                        return attempts.recordFailure("user:alice", T0, window);
                    }));
                }
                go.countDown();
                for (Future<?> f : done) {
                    f.get();
                }
                assertThat(attempts.find("user:alice", T0).orElseThrow().failures()).isEqualTo(threads);
            } finally {
                pool.shutdownNow();
            }
        }

        @Test
        @DisplayName("purges closed counters no more than the limit at a time")
        void purge() {
            for (int i = 0; i < 5; i++) {
                attempts.recordFailure("k" + i, T0, window);
            }
            attempts.recordFailure("open", T0.plus(window), window);
            assertThat(attempts.purgeExpired(T0.plus(window), 3)).isEqualTo(3);
            assertThat(attempts.purgeExpired(T0.plus(window), 3)).isEqualTo(2);
            assertThat(attempts.purgeExpired(T0.plus(window), 3)).isZero();
            assertThat(attempts.find("open", T0.plus(window))).isPresent();
        }

        @Test
        @DisplayName("holds no more counters than its cap")
        void capped() {
            var small = new InMemoryAttemptStore(50);
            for (int i = 0; i < 500; i++) {
                small.recordFailure("ip:" + i, T0, window);
            }
            assertThat(small.size()).isLessThanOrEqualTo(50);
        }
    }

    @Nested
    @DisplayName("audit log")
    class Audit {
        private final InMemoryAuditLog log = new InMemoryAuditLog();

        private AuditEvent event(String id, AuditEventType type, Instant at, String user) {
            return AuditEvent.builder(type, at).id(id).user(user, user).build();
        }

        @Test
        @DisplayName("pages through a filtered query with cursors, in (time, id) order")
        void paging() {
            for (int i = 0; i < 7; i++) {
                log.record(event("e" + i, AuditEventType.LOGIN_SUCCEEDED, T0.plusSeconds(i / 2), "u1"));
                log.record(event("x" + i, AuditEventType.LOGIN_FAILED, T0.plusSeconds(i / 2), "u1"));
            }
            AuditQuery q = AuditQuery.all().forUser("u1").ofTypes(Set.of(AuditEventType.LOGIN_SUCCEEDED)).limit(3);
            List<String> ids = new ArrayList<>();
            AuditPage page = log.query(q);
            ids.addAll(page.events().stream().map(AuditEvent::id).toList());
            while (page.nextCursor().isPresent()) {
                page = log.query(q.after(page.nextCursor().get()));
                ids.addAll(page.events().stream().map(AuditEvent::id).toList());
            }
            assertThat(ids).containsExactly("e0", "e1", "e2", "e3", "e4", "e5", "e6");
        }

        @Test
        @DisplayName("takes 'from' inclusively and 'to' exclusively")
        void range() {
            log.record(event("a", AuditEventType.LOGGED_OUT, T0, "u1"));
            log.record(event("b", AuditEventType.LOGGED_OUT, T0.plusSeconds(1), "u1"));
            log.record(event("c", AuditEventType.LOGGED_OUT, T0.plusSeconds(2), "u1"));
            AuditPage page = log.query(AuditQuery.all().between(T0.plusSeconds(1), T0.plusSeconds(2)));
            assertThat(page.events()).extracting(AuditEvent::id).containsExactly("b");
            assertThat(page.nextCursor()).isEmpty();
        }

        @Test
        @DisplayName("refuses a cursor it did not make")
        void badCursor() {
            assertThatThrownBy(() -> log.query(AuditQuery.all().after("not a cursor")))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        @DisplayName("purges strictly older events, at most the limit at a time")
        void purge() {
            for (int i = 0; i < 5; i++) {
                log.record(event("e" + i, AuditEventType.LOGIN_SUCCEEDED, T0.plusSeconds(i), "u1"));
            }
            assertThat(log.purgeBefore(T0.plusSeconds(4), 3)).isEqualTo(3);
            assertThat(log.purgeBefore(T0.plusSeconds(4), 3)).isEqualTo(1);
            assertThat(log.events()).extracting(AuditEvent::id).containsExactly("e4");
        }

        @Test
        @DisplayName("keeps only the newest events past its cap, and does not duplicate a retried event")
        void capped() {
            var small = new InMemoryAuditLog(3);
            for (int i = 0; i < 5; i++) {
                small.record(event("e" + i, AuditEventType.LOGIN_SUCCEEDED, T0.plusSeconds(i), "u1"));
            }
            small.record(event("e4", AuditEventType.LOGIN_SUCCEEDED, T0.plusSeconds(4), "u1"));
            assertThat(small.events()).extracting(AuditEvent::id).containsExactly("e2", "e3", "e4");
            assertThat(small.size()).isEqualTo(3);
        }
    }

    @Nested
    @DisplayName("signing key store")
    class Keys {
        private final InMemorySigningKeyStore keys = new InMemorySigningKeyStore();

        private SigningKey key(String kid, Instant created) {
            return new SigningKey(kid, SigningAlgorithm.HS256, new byte[0], new byte[] {1, 2, 3}, created, created,
                    Optional.empty(), Optional.empty());
        }

        @Test
        @DisplayName("lists keys oldest first and refuses a duplicate kid")
        void order() {
            assertThat(keys.add(key("k2", T0.plusSeconds(5)))).isTrue();
            assertThat(keys.add(key("k1", T0))).isTrue();
            assertThat(keys.add(key("k1", T0.plusSeconds(9)))).isFalse();
            assertThat(keys.findAll()).extracting(SigningKey::kid).containsExactly("k1", "k2");
        }

        @Test
        @DisplayName("updates only the schedule and deletes keys that can no longer verify")
        void retire() {
            keys.add(key("k1", T0));
            SigningKey changed = new SigningKey("k1", SigningAlgorithm.HS256, new byte[0], new byte[] {9}, T0, T0,
                    Optional.of(T0.plusSeconds(10)), Optional.of(T0.plusSeconds(20)));
            assertThat(keys.update(changed)).isTrue();
            SigningKey stored = keys.findAll().get(0);
            assertThat(stored.privateKey()).containsExactly(1, 2, 3);
            assertThat(stored.expiresAt()).contains(T0.plusSeconds(20));
            assertThat(keys.deleteExpired(T0.plusSeconds(19))).isZero();
            assertThat(keys.deleteExpired(T0.plusSeconds(20))).isEqualTo(1);
            assertThat(keys.update(changed)).isFalse();
        }
    }
}
