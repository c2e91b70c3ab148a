package org.portcullis.auth.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuditQuery;
import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.core.Portcullis;
import org.portcullis.auth.store.tck.MutableClock;

/** The real engine on one H2 file: the single-process set-up. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("the engine on an H2 file")
class EngineOnH2FileTest {

    private Backend backend;

    @BeforeAll
    void open() {
        backend = Backend.of(Backend.Kind.H2_FILE, 70);
    }

    @AfterAll
    void close() {
        backend.close();
    }

    private AuthService node(MutableClock clock, AuthSettings settings) {
        return Portcullis.builder().stores(backend.jdbc.stores()).clock(clock).settings(settings)
                .passwordHasher(TwoNodesEndToEndTest.FAST).startCleanupJob(false).build();
    }

    private String newUser() {
        String name = "user-" + UUID.randomUUID();
        backend.jdbc.stores().users().create(new UserRecord(UUID.randomUUID().toString(), name,
                TwoNodesEndToEndTest.FAST.hash("pw"), Set.of("reader"), true));
        return name;
    }

    @Test
    @DisplayName("logs in, validates, refreshes and logs out, each with its audit event")
    void lifecycle() {
        MutableClock clock = MutableClock.start();
        try (AuthService auth = node(clock, AuthSettings.defaults())) {
            String user = newUser();
            TokenPair pair = auth.login(new PasswordCredential(user, "pw"), TwoNodesEndToEndTest.CLIENT);
            AuthPrincipal me = auth.validate(pair.accessToken());
            clock.advance(Duration.ofMinutes(5));
            TokenPair next = auth.refresh(pair.accessToken(), pair.refreshToken(), TwoNodesEndToEndTest.CLIENT);
            clock.advance(Duration.ofSeconds(1)); // the audit trail orders by time, then by random id
            auth.logout(auth.validate(next.accessToken()), TwoNodesEndToEndTest.CLIENT);
            assertThat(TwoNodesEndToEndTest.codeOf(() -> auth.validate(next.accessToken())))
                    .isEqualTo(ErrorCode.TOKEN_REVOKED);
            assertThat(backend.jdbc.auditLog().query(AuditQuery.all().forUser(me.userId())).events())
                    .extracting(AuditEvent::type)
                    .containsSubsequence(AuditEventType.LOGIN_SUCCEEDED, AuditEventType.TOKEN_REFRESHED,
                            AuditEventType.LOGGED_OUT);
        }
    }

    @Test
    @DisplayName("64 concurrent refreshes of one token in strict mode, 10 times: exactly one succeeds")
    void strictRace() throws Exception {
        MutableClock clock = MutableClock.start();
        ExecutorService pool = Executors.newFixedThreadPool(64);
        try (AuthService auth = node(clock, AuthSettings.builder().refreshGraceWindow(Duration.ZERO).build())) {
            String user = newUser();
            for (int round = 0; round < 10; round++) {
                TokenPair pair = auth.login(new PasswordCredential(user, "pw"), TwoNodesEndToEndTest.CLIENT);
                CountDownLatch ready = new CountDownLatch(64);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Object>> results = new ArrayList<>();
                for (int t = 0; t < 64; t++) {
                    results.add(pool.submit(() -> {
                        ready.countDown();
                        go.await();
                        try {
                            return auth.refresh(pair.accessToken(), pair.refreshToken(), TwoNodesEndToEndTest.CLIENT);
                        } catch (AuthException e) {
                            return e.code();
                        }
                    }));
                }
                ready.await();
                go.countDown();
                int successes = 0;
                for (Future<Object> f : results) {
                    Object o = f.get(60, TimeUnit.SECONDS);
                    if (o instanceof TokenPair) {
                        successes++;
                    } else {
                        assertThat(o).isEqualTo(ErrorCode.REFRESH_TOKEN_REUSED);
                    }
                }
                assertThat(successes).as("winners in round %d", round).isEqualTo(1);
                clock.advance(Duration.ofMinutes(1));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("the engine's cleanup purges expired sessions and audit events past their retention")
    void cleanup() {
        MutableClock clock = MutableClock.startingAt(MutableClock.DEFAULT_START.plus(Duration.ofDays(400)));
        AuthSettings settings = AuthSettings.builder()
                .refreshIdleTimeout(Duration.ofHours(1))
                .absoluteSessionLifetime(Duration.ofDays(1))
                .cleanup(AuthSettings.Cleanup.builder().interval(Duration.ZERO).batchSize(100).auditRetention(Duration.ofDays(2)).build())
                .build();
        try (AuthService auth = node(clock, settings)) {
            String user = newUser();
            TokenPair pair = auth.login(new PasswordCredential(user, "pw"), TwoNodesEndToEndTest.CLIENT);
            String userId = auth.validate(pair.accessToken()).userId();
            clock.advance(Duration.ofDays(3));

            assertThat(auth.purgeExpired()).isGreaterThanOrEqualTo(1);
            assertThat(backend.jdbc.stores().sessions().find(pair.sessionId())).isEmpty();
            List<AuditEvent> left = backend.jdbc.auditLog().query(AuditQuery.all().forUser(userId)).events();
            assertThat(left).extracting(AuditEvent::type).doesNotContain(AuditEventType.LOGIN_SUCCEEDED);
        }
    }

    @Test
    @DisplayName("deleting a user removes its external-identity links in the same transaction")
    void deleteUserUnlinks() {
        MutableClock clock = MutableClock.start();
        org.portcullis.auth.api.ExternalIdentityStore links = backend.jdbc.externalIdentities();
        try (AuthService auth = Portcullis.builder().stores(backend.jdbc.stores()).clock(clock)
                .passwordHasher(TwoNodesEndToEndTest.FAST).startCleanupJob(false).externalIdentities(links).build()) {
            String name = newUser();
            String id = backend.jdbc.stores().users().findByUsername(name).orElseThrow().id();
            String other = backend.jdbc.stores().users().findByUsername(newUser()).orElseThrow().id();
            links.link(new org.portcullis.auth.api.ExternalIdentity("google", "g-" + id, id, clock.instant()));
            links.link(new org.portcullis.auth.api.ExternalIdentity("corp", "c-" + id, id, clock.instant()));
            links.link(new org.portcullis.auth.api.ExternalIdentity("google", "g-" + other, other, clock.instant()));
            assertThat(auth.deleteUser(id, TwoNodesEndToEndTest.CLIENT)).isTrue();
            assertThat(links.findByUser(id)).isEmpty();
            assertThat(links.find("google", "g-" + id)).isEmpty();
            assertThat(links.findByUser(other)).hasSize(1);
        }
    }
}
