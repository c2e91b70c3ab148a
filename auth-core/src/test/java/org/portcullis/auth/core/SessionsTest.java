package org.portcullis.auth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.auth.core.LoginTest.catchAuth;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.SessionLimitPolicy;
import org.portcullis.auth.api.TokenPair;

@DisplayName("sessions")
class SessionsTest {

    private Fixture f = new Fixture();

    @AfterEach
    void close() {
        f.close();
    }

    private AuthPrincipal me(TokenPair p) {
        return f.auth.validate(p.accessToken());
    }

    @Nested
    @DisplayName("listing and revoking")
    class Listing {

        @Test
        @DisplayName("lists a user's active sessions oldest first, with their client")
        void list() {
            String id = f.addUser("alice", "pw");
            TokenPair a = f.login("alice", "pw");
            f.clock.advance(Duration.ofSeconds(1));
            TokenPair b = f.login("alice", "pw");
            assertThat(f.auth.sessions(id)).extracting(Session::id).containsExactly(a.sessionId(), b.sessionId());
            assertThat(f.auth.sessions(id).get(0).client()).isEqualTo(Fixture.CLIENT);
        }

        @Test
        @DisplayName("logout ends only the current session and records LOGGED_OUT")
        void logout() {
            String id = f.addUser("alice", "pw");
            TokenPair a = f.login("alice", "pw");
            TokenPair b = f.login("alice", "pw");
            f.auth.logout(me(a), Fixture.CLIENT);
            assertThat(f.auth.sessions(id)).extracting(Session::id).containsExactly(b.sessionId());
            assertThat(f.events(AuditEventType.LOGGED_OUT)).hasSize(1);
            assertThat(f.stores.sessions().find(a.sessionId()).orElseThrow().revocationReason())
                    .contains(RevocationReason.LOGOUT);
        }

        @Test
        @DisplayName("logoutAll ends every session of the user, and no other user's")
        void logoutAll() {
            String alice = f.addUser("alice", "pw");
            String bob = f.addUser("bob", "pw");
            TokenPair a1 = f.login("alice", "pw");
            f.login("alice", "pw");
            TokenPair b1 = f.login("bob", "pw");
            assertThat(f.auth.logoutAll(me(a1), Fixture.CLIENT)).isEqualTo(2);
            assertThat(f.auth.sessions(alice)).isEmpty();
            assertThat(f.auth.sessions(bob)).extracting(Session::id).containsExactly(b1.sessionId());
            assertThat(catchAuth(() -> me(a1)).code()).isEqualTo(ErrorCode.TOKEN_REVOKED);
            assertThat(f.events(AuditEventType.SESSIONS_REVOKED_ALL)).singleElement()
                    .satisfies(e -> assertThat(e.reason()).isEqualTo("all;count=2"));
        }

        @Test
        @DisplayName("logoutOthers ends every session but the current one")
        void logoutOthers() {
            String alice = f.addUser("alice", "pw");
            TokenPair a1 = f.login("alice", "pw");
            f.login("alice", "pw");
            f.login("alice", "pw");
            assertThat(f.auth.logoutOthers(me(a1), Fixture.CLIENT)).isEqualTo(2);
            assertThat(f.auth.sessions(alice)).extracting(Session::id).containsExactly(a1.sessionId());
        }

        @Test
        @DisplayName("a user can revoke one of their own sessions; another user's session answers SESSION_NOT_FOUND")
        void revokeOne() {
            String alice = f.addUser("alice", "pw");
            f.addUser("bob", "pw");
            TokenPair a1 = f.login("alice", "pw");
            TokenPair a2 = f.login("alice", "pw");
            TokenPair b1 = f.login("bob", "pw");
            assertThat(catchAuth(() -> f.auth.revokeSession(me(a1), b1.sessionId(), Fixture.CLIENT)).code())
                    .isEqualTo(ErrorCode.SESSION_NOT_FOUND);
            assertThat(catchAuth(() -> f.auth.revokeSession(me(a1), "no-such-id", Fixture.CLIENT)).code())
                    .isEqualTo(ErrorCode.SESSION_NOT_FOUND);
            f.auth.revokeSession(me(a1), a2.sessionId(), Fixture.CLIENT);
            assertThat(f.auth.sessions(alice)).extracting(Session::id).containsExactly(a1.sessionId());
            assertThat(me(b1).username()).isEqualTo("bob");
            assertThat(f.events(AuditEventType.SESSION_REVOKED)).hasSize(1);
        }

        @Test
        @DisplayName("an administrator can end all of a user's sessions")
        void admin() {
            String alice = f.addUser("alice", "pw");
            f.login("alice", "pw");
            f.login("alice", "pw");
            assertThat(f.auth.revokeAllSessions(alice, RevocationReason.REVOKED_BY_ADMIN)).isEqualTo(2);
            assertThat(f.auth.sessions(alice)).isEmpty();
        }
    }

    @Nested
    @DisplayName("limits")
    class Limits {

        @Test
        @DisplayName("at the limit, EVICT_OLDEST revokes the oldest session and records SESSION_LIMIT_EVICTED")
        void evict() {
            f = new Fixture(b -> b.maxSessionsPerUser(2, SessionLimitPolicy.EVICT_OLDEST));
            String alice = f.addUser("alice", "pw");
            TokenPair first = f.login("alice", "pw");
            f.clock.advance(Duration.ofSeconds(1));
            TokenPair second = f.login("alice", "pw");
            f.clock.advance(Duration.ofSeconds(1));
            TokenPair third = f.login("alice", "pw");
            assertThat(f.auth.sessions(alice)).extracting(Session::id).containsExactly(second.sessionId(), third.sessionId());
            assertThat(catchAuth(() -> me(first)).code()).isEqualTo(ErrorCode.TOKEN_REVOKED);
            assertThat(f.events(AuditEventType.SESSION_LIMIT_EVICTED)).singleElement()
                    .satisfies(e -> assertThat(e.sessionId()).contains(first.sessionId()));
        }

        @Test
        @DisplayName("at the limit, REJECT refuses the login with SESSION_LIMIT_REACHED")
        void reject() {
            f = new Fixture(b -> b.maxSessionsPerUser(1, SessionLimitPolicy.REJECT));
            String alice = f.addUser("alice", "pw");
            TokenPair first = f.login("alice", "pw");
            assertThat(catchAuth(() -> f.login("alice", "pw")).code()).isEqualTo(ErrorCode.SESSION_LIMIT_REACHED);
            assertThat(f.auth.sessions(alice)).extracting(Session::id).containsExactly(first.sessionId());
            f.auth.logout(me(first), Fixture.CLIENT);
            assertThat(f.login("alice", "pw").sessionId()).isNotBlank();
        }
    }

    @Nested
    @DisplayName("cleanup")
    class Cleanup {

        @Test
        @DisplayName("purges expired sessions in batches and audits each batch")
        void purge() {
            f = new Fixture(b -> b.refreshIdleTimeout(Duration.ofHours(1))
                    .cleanup(AuthSettings.Cleanup.builder().interval(Duration.ZERO).batchSize(3).auditRetention(Duration.ofDays(30)).build()));
            String alice = f.addUser("alice", "pw");
            for (int i = 0; i < 7; i++) {
                f.login("alice", "pw");
            }
            f.clock.advance(Duration.ofMinutes(59));
            TokenPair fresh = f.login("alice", "pw");
            f.clock.advance(Duration.ofMinutes(1));
            assertThat(f.auth.purgeExpired()).isEqualTo(7);
            assertThat(f.stores.sessions().find(fresh.sessionId())).isPresent();
            List<AuditEvent> purged = f.events(AuditEventType.SESSION_EXPIRED_PURGED);
            assertThat(purged).extracting(AuditEvent::reason)
                    .containsExactlyInAnyOrder("count=3;expired=3;revoked=0", "count=3;expired=3;revoked=0", "count=1;expired=1;revoked=0");
            assertThat(f.auth.sessions(alice)).extracting(Session::id).containsExactly(fresh.sessionId());
        }

        @Test
        @DisplayName("keeps revoked sessions for the revoked retention, then purges them")
        void revokedRetention() {
            f.addUser("alice", "pw");
            TokenPair a = f.login("alice", "pw");
            f.auth.logout(me(a), Fixture.CLIENT);
            f.clock.advance(Duration.ofHours(23));
            assertThat(f.auth.purgeExpired()).isZero();
            f.clock.advance(Duration.ofHours(1));
            assertThat(f.auth.purgeExpired()).isEqualTo(1);
            assertThat(f.stores.sessions().find(a.sessionId())).isEmpty();
        }

        @Test
        @DisplayName("drops audit events older than the audit retention")
        void auditRetention() {
            f.addUser("alice", "pw");
            f.login("alice", "pw");
            f.clock.advance(Duration.ofDays(366));
            f.auth.purgeExpired();
            assertThat(f.events(AuditEventType.LOGIN_SUCCEEDED)).isEmpty();
        }

        @Test
        @DisplayName("the scheduled job runs at the configured interval and purges what has ended by the clock")
        void scheduled() {
            ManualScheduler scheduler = new ManualScheduler();
            try (var svc = Portcullis.builder().stores(f.stores).clock(f.clock).passwordHasher(Fixture.FAST)
                    .settings(AuthSettings.builder().refreshIdleTimeout(Duration.ofHours(1))
                            .cleanup(AuthSettings.Cleanup.builder().interval(Duration.ofMinutes(10)).batchSize(100)
                                    .revokedRetention(Duration.ZERO).auditRetention(Duration.ofDays(1)).build())
                            .build()).cleanupScheduler(scheduler).build()) {
                assertThat(scheduler.interval).isEqualTo(Duration.ofMinutes(10));
                f.addUser("alice", "pw");
                TokenPair a = svc.login(new org.portcullis.auth.api.PasswordCredential("alice", "pw"), Fixture.CLIENT);
                scheduler.run();
                assertThat(f.stores.sessions().find(a.sessionId())).isPresent();
                f.clock.advance(Duration.ofHours(2));
                scheduler.run();
                assertThat(f.stores.sessions().find(a.sessionId())).isEmpty();
                assertThat(f.events(AuditEventType.SESSION_EXPIRED_PURGED)).hasSize(1);
            }
            assertThat(scheduler.cancelled).as("close() stops the job").isTrue();
        }

        @Test
        @DisplayName("a failing run does not end the job: the next run purges")
        void scheduledSurvivesFailure() {
            ManualScheduler scheduler = new ManualScheduler();
            java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(true);
            org.portcullis.auth.api.AttemptStore real = f.stores.attempts();
            org.portcullis.auth.api.AttemptStore flaky = new org.portcullis.auth.api.AttemptStore() {
                @Override public org.portcullis.auth.api.AttemptState recordFailure(String k, java.time.Instant now, Duration w) { return real.recordFailure(k, now, w); }
                @Override public java.util.Optional<org.portcullis.auth.api.AttemptState> find(String k, java.time.Instant now) { return real.find(k, now); }
                @Override public void reset(String k) { real.reset(k); }
                @Override public int purge(java.time.Instant now, int limit) {
                    if (down.get()) {
                        throw new org.portcullis.auth.api.StoreUnavailableException("attempt store is down");
                    }
                    return real.purge(now, limit);
                }
            };
            var s = f.stores;
            var stores = new org.portcullis.auth.api.Stores(s.users(), s.sessions(), flaky, s.signingKeys(), s.audit(), s.transactions());
            try (var svc = Portcullis.builder().stores(stores).clock(f.clock).passwordHasher(Fixture.FAST)
                    .settings(AuthSettings.builder().refreshIdleTimeout(Duration.ofHours(1)).build())
                    .cleanupScheduler(scheduler).build()) {
                f.addUser("alice", "pw");
                TokenPair a = svc.login(new org.portcullis.auth.api.PasswordCredential("alice", "pw"), Fixture.CLIENT);
                f.clock.advance(Duration.ofHours(2));
                scheduler.run();
                assertThat(f.events(AuditEventType.SESSION_EXPIRED_PURGED)).hasSize(1);
                assertThat(scheduler.cancelled).isFalse();
                down.set(false);
                f.addUser("bob", "pw");
                TokenPair b = svc.login(new org.portcullis.auth.api.PasswordCredential("bob", "pw"), Fixture.CLIENT);
                f.clock.advance(Duration.ofHours(2));
                scheduler.run();
                assertThat(f.stores.sessions().find(a.sessionId())).isEmpty();
                assertThat(f.stores.sessions().find(b.sessionId())).isEmpty();
            }
        }

        @Test
        @DisplayName("without startCleanupJob the scheduler is never asked")
        void notStarted() {
            ManualScheduler scheduler = new ManualScheduler();
            try (var svc = Portcullis.builder().stores(f.stores).clock(f.clock).passwordHasher(Fixture.FAST)
                    .startCleanupJob(false).cleanupScheduler(scheduler).build()) {
                assertThat(svc.settings().cleanup().interval()).isPositive();
                assertThat(scheduler.job).isNull();
            }
        }

        @Test
        @DisplayName("the default scheduler runs the job again and again on a daemon thread until cancelled")
        void daemonThread() throws Exception {
            java.util.concurrent.CountDownLatch runs = new java.util.concurrent.CountDownLatch(3);
            java.util.concurrent.atomic.AtomicReference<Thread> thread = new java.util.concurrent.atomic.AtomicReference<>();
            CleanupScheduler.Scheduled handle = CleanupScheduler.daemonThread().schedule(Duration.ofMillis(1), () -> {
                thread.set(Thread.currentThread());
                runs.countDown();
            });
            try {
                assertThat(runs.await(30, java.util.concurrent.TimeUnit.SECONDS)).as("three runs").isTrue();
                assertThat(thread.get().isDaemon()).isTrue();
                assertThat(thread.get().getName()).isEqualTo("portcullis-cleanup");
            } finally {
                handle.cancel();
            }
            thread.get().join();
            assertThat(thread.get().isAlive()).isFalse();
        }
    }

    /** A scheduler the test drives: it keeps the job and runs it when told. */
    static final class ManualScheduler implements CleanupScheduler {
        Duration interval;
        Runnable job;
        volatile boolean cancelled;

        @Override
        public Scheduled schedule(Duration every, Runnable job) {
            this.interval = every;
            this.job = job;
            return () -> cancelled = true;
        }

        void run() {
            assertThat(cancelled).as("job still scheduled").isFalse();
            job.run();
        }
    }
}
