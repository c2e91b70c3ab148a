package org.portcullis.auth.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuditLog;
import org.portcullis.auth.api.AuditQuery;
import org.portcullis.auth.api.AuditSink;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.ForwardingSessionStore;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.RotationResult;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.SessionStore;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.core.Portcullis;
import org.portcullis.auth.testkit.PortcullisTestKit;

@DisplayName("Metrics keep a store's own recording of a refresh")
class MeteredSessionStoreTest {

    private static final ClientInfo DEVICE = new ClientInfo("198.51.100.8", "metrics-test");

    private PortcullisTestKit kit;
    private SelfRecording sessions;
    private SimpleMeterRegistry registry;
    private AuthService auth;

    @BeforeEach
    void setUp() {
        kit = PortcullisTestKit.inMemory().withUser("alice", "correct horse battery").build();
        Stores plain = kit.stores();
        AuditLog log = (AuditLog) plain.audit();
        sessions = new SelfRecording(plain.sessions(), log);
        registry = new SimpleMeterRegistry();
        Stores metered = PortcullisMetrics.instrument(new Stores(plain.users(), sessions, plain.attempts(),
                plain.signingKeys(), log, plain.transactions(), plain.invalidations()), registry);
        auth = Portcullis.builder().stores(metered).clock(kit.clock()).settings(kit.settings())
                .passwordHasher(PortcullisTestKit.TEST_HASHER).startCleanupJob(false).build();
    }

    @AfterEach
    void tearDown() {
        auth.close();
        kit.close();
    }

    @Test
    @DisplayName("behind the counting sink, a store that writes the login's and the refresh's events itself still does, and each is counted once")
    void storeStillRecordsAndRefreshIsCounted() {
        TokenPair first = auth.login(new PasswordCredential("alice", "correct horse battery"), DEVICE);
        TokenPair second = auth.refresh(first.accessToken(), first.refreshToken(), DEVICE);

        assertThat(second.refreshToken()).isNotEqualTo(first.refreshToken());
        assertThat(sessions.recordedItself.get()).as("rotations the store recorded in its own write").isEqualTo(1);
        var refreshed = sessions.log.query(AuditQuery.all().ofTypes(java.util.Set.of(AuditEventType.TOKEN_REFRESHED)))
                .events();
        assertThat(refreshed).hasSize(1);
        assertThat(registry.get(PortcullisMetrics.REFRESHES).tags("result", "succeeded").counter().count()).isEqualTo(1);
        assertThat(sessions.createdItself.get()).as("logins whose event the store recorded in its own write").isEqualTo(1);
        assertThat(registry.get(PortcullisMetrics.LOGINS).tags("result", "succeeded").counter().count()).isEqualTo(1);
    }

    @Test
    @DisplayName("through the counting sink, a rotation that loses is neither recorded nor counted, and the one that wins is counted once")
    void onlyTheWinnerCounted() {
        TokenPair first = auth.login(new PasswordCredential("alice", "correct horse battery"), DEVICE);
        Session session = sessions.find(first.sessionId()).orElseThrow();
        String current = org.portcullis.auth.core.internal.Digests.sha256Base64Url(first.refreshToken());
        SimpleMeterRegistry own = new SimpleMeterRegistry();
        Stores metered = PortcullisMetrics.instrument(new Stores(kit.stores().users(), sessions,
                kit.stores().attempts(), kit.stores().signingKeys(), sessions.log, kit.stores().transactions()), own);
        Instant now = kit.clock().instant();

        assertThat(metered.sessions().rotateAndRecord(session.id(), "not-the-current-hash", "next-1", now,
                now.plusSeconds(60), metered.audit(), refreshed(session, now))).contains(RotationResult.STALE);
        assertThat(sessions.recordedItself.get()).isZero();
        assertThat(refreshesCounted(own)).isZero();

        assertThat(metered.sessions().rotateAndRecord(session.id(), current, "next-2", now,
                now.plusSeconds(60), metered.audit(), refreshed(session, now))).contains(RotationResult.ROTATED);
        assertThat(sessions.recordedItself.get()).isEqualTo(1);
        assertThat(refreshesCounted(own)).isEqualTo(1);
    }

    private static AuditEvent refreshed(Session session, Instant now) {
        return AuditEvent.builder(AuditEventType.TOKEN_REFRESHED, now).client(DEVICE)
                .user(session.userId(), session.username()).session(session.id()).reason("generation=1").build();
    }

    private static double refreshesCounted(SimpleMeterRegistry registry) {
        var counter = registry.find(PortcullisMetrics.REFRESHES).tags("result", "succeeded").counter();
        return counter == null ? 0 : counter.count();
    }

    /**
     * A session store (over the kit's in-memory one) that, like the JDBC store on PostgreSQL,
     * records a winning rotation's event itself when the sink is its own log, and declines any
     * other sink.
     */
    private static final class SelfRecording extends ForwardingSessionStore {
        private final AuditLog log;
        private final AtomicInteger recordedItself = new AtomicInteger();
        private final AtomicInteger createdItself = new AtomicInteger();

        SelfRecording(SessionStore delegate, AuditLog log) {
            super(delegate);
            this.log = log;
        }

        @Override
        public Optional<RotationResult> rotateAndRecord(String sessionId, String expectedHash, String newHash,
                                                        Instant now, Instant newIdleExpiresAt, AuditSink audit,
                                                        AuditEvent eventIfRotated) {
            if (audit != log) {
                return Optional.empty();
            }
            RotationResult result = rotate(sessionId, expectedHash, newHash, now, newIdleExpiresAt);
            if (result == RotationResult.ROTATED) {
                log.record(eventIfRotated);
                recordedItself.incrementAndGet();
            }
            return Optional.of(result);
        }

        @Override
        public boolean createAndRecord(Session session, String refreshTokenHash, AuditSink audit, AuditEvent event) {
            if (audit != log) {
                return false;
            }
            create(session, refreshTokenHash);
            log.record(event);
            createdItself.incrementAndGet();
            return true;
        }
    }
}
