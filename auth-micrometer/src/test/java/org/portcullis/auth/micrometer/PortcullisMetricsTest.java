package org.portcullis.auth.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuditLog;
import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.core.Portcullis;
import org.portcullis.auth.testkit.PortcullisTestKit;

@DisplayName("Micrometer metrics over a real engine")
class PortcullisMetricsTest {

    private static final ClientInfo ALICE_DEVICE = new ClientInfo("198.51.100.7", "alice-browser");
    private static final ClientInfo ATTACKER = new ClientInfo("203.0.113.99", "attack-tool");

    private PortcullisTestKit kit;
    private SimpleMeterRegistry registry;
    private AuthService auth;

    @BeforeEach
    void setUp() {
        kit = PortcullisTestKit.inMemory()
                .withUser("alice", "correct horse battery", "admin")
                .withUser("bob", "bob's long password")
                .withSettings(b -> b.refreshGraceWindow(Duration.ZERO)
                        .throttling(AuthSettings.Throttling.builder().pairFreeAttempts(2).ipFreeAttempts(50)
                                .userFreeAttempts(50).maxDelay(Duration.ofMinutes(1)).stuffingDistinctUsernames(3)
                                .build()))
                .build();
        registry = new SimpleMeterRegistry();
        Stores stores = PortcullisMetrics.instrument(kit.stores(), registry);
        auth = PortcullisMetrics.instrument(Portcullis.builder()
                .stores(stores)
                .clock(kit.clock())
                .settings(kit.settings())
                .passwordHasher(PortcullisTestKit.TEST_HASHER)
                .startCleanupJob(false)
                .build(), registry);
    }

    @AfterEach
    void tearDown() {
        auth.close();
        kit.close();
    }

    private TokenPair login(String user, String password, ClientInfo client) {
        return auth.login(new PasswordCredential(user, password), client);
    }

    private double count(String name, String... tags) {
        var counter = registry.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    @DisplayName("a successful login counts once and is timed with outcome success")
    void loginSucceeded() {
        login("alice", "correct horse battery", ALICE_DEVICE);

        assertThat(count(PortcullisMetrics.LOGINS, "result", "succeeded")).isEqualTo(1);
        assertThat(registry.get(PortcullisMetrics.LOGIN_TIMER).tags("outcome", "success").timer().count()).isEqualTo(1);
    }

    @Test
    @DisplayName("failed logins are counted by reason, and timed with their error code")
    void loginFailedByReason() {
        assertThatThrownBy(() -> login("alice", "wrong", ALICE_DEVICE)).isInstanceOf(AuthException.class);
        assertThatThrownBy(() -> login("nobody", "wrong", ALICE_DEVICE)).isInstanceOf(AuthException.class);

        assertThat(count(PortcullisMetrics.LOGINS, "result", "failed", "reason", "bad_password")).isEqualTo(1);
        assertThat(count(PortcullisMetrics.LOGINS, "result", "failed", "reason", "unknown_user")).isEqualTo(1);
        assertThat(registry.get(PortcullisMetrics.LOGIN_TIMER).tags("outcome", "failure", "code", "invalid_credentials")
                .timer().count()).isEqualTo(2);
    }

    @Test
    @DisplayName("a throttled login counts as throttled, and is not counted as failed")
    void throttled() {
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> login("bob", "wrong", ATTACKER)).isInstanceOf(AuthException.class);
        }
        assertThatThrownBy(() -> login("bob", "wrong", ATTACKER))
                .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.THROTTLED));

        assertThat(count(PortcullisMetrics.LOGINS, "result", "throttled")).isEqualTo(1);
        assertThat(count(PortcullisMetrics.LOGINS, "result", "failed", "reason", "bad_password")).isEqualTo(2);
    }

    @Test
    @DisplayName("failures from one address across several usernames count as suspected stuffing")
    void stuffing() {
        for (String name : List.of("carol", "dave", "erin", "frank")) {
            assertThatThrownBy(() -> login(name, "guess", ATTACKER)).isInstanceOf(AuthException.class);
        }
        assertThat(count(PortcullisMetrics.STUFFING)).isGreaterThanOrEqualTo(1);
    }

    @Test
    @DisplayName("a refresh counts and is timed; a replayed refresh token counts as reuse and as a revocation")
    void refreshAndReuse() {
        TokenPair first = login("alice", "correct horse battery", ALICE_DEVICE);
        TokenPair second = auth.refresh(first.accessToken(), first.refreshToken(), ALICE_DEVICE);
        assertThat(second.refreshToken()).isNotEqualTo(first.refreshToken());

        assertThatThrownBy(() -> auth.refresh(first.accessToken(), first.refreshToken(), ALICE_DEVICE))
                .isInstanceOfSatisfying(AuthException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.REFRESH_TOKEN_REUSED));

        assertThat(count(PortcullisMetrics.REFRESHES, "result", "succeeded")).isEqualTo(1);
        assertThat(count(PortcullisMetrics.REUSE)).isEqualTo(1);
        assertThat(count(PortcullisMetrics.REVOCATIONS, "cause", "reuse")).isEqualTo(1);
        assertThat(registry.get(PortcullisMetrics.REFRESH_TIMER).tags("outcome", "success").timer().count()).isEqualTo(1);
        assertThat(registry.get(PortcullisMetrics.REFRESH_TIMER).tags("outcome", "failure", "code", "refresh_token_reused")
                .timer().count()).isEqualTo(1);
    }

    @Test
    @DisplayName("logout, revoking one session and revoking all count as revocations by cause, all sessions counted")
    void revocations() {
        TokenPair a = login("alice", "correct horse battery", ALICE_DEVICE);
        TokenPair b = login("alice", "correct horse battery", ALICE_DEVICE);
        TokenPair c = login("alice", "correct horse battery", ALICE_DEVICE);
        login("alice", "correct horse battery", ALICE_DEVICE);
        AuthPrincipal pa = auth.validate(a.accessToken());

        auth.revokeSession(pa, b.sessionId(), ALICE_DEVICE);
        auth.logout(auth.validate(c.accessToken()), ALICE_DEVICE);
        int ended = auth.logoutAll(pa, ALICE_DEVICE);

        assertThat(ended).isEqualTo(2);
        assertThat(count(PortcullisMetrics.REVOCATIONS, "cause", "revoked")).isEqualTo(1);
        assertThat(count(PortcullisMetrics.REVOCATIONS, "cause", "logout")).isEqualTo(1);
        assertThat(count(PortcullisMetrics.REVOCATIONS, "cause", "revoked_all")).isEqualTo(2);
    }

    @Test
    @DisplayName("validation: the first sight is timed, repeats are counted, the cache gauges follow")
    void validation() {
        TokenPair pair = login("alice", "correct horse battery", ALICE_DEVICE);
        assertThat(registry.get(PortcullisMetrics.CACHE_HIT_RATIO).gauge().value()).isNaN();

        auth.validate(pair.accessToken());
        auth.validate(pair.accessToken());
        auth.validate(pair.accessToken());
        assertThatThrownBy(() -> auth.validate(pair.accessToken() + "x")).isInstanceOf(AuthException.class);

        FunctionTimer firstSight = registry.get(PortcullisMetrics.FIRST_SIGHT_TIMER).functionTimer();
        assertThat(firstSight.count()).isEqualTo(2);
        assertThat(firstSight.totalTime(TimeUnit.NANOSECONDS)).isPositive();
        FunctionCounter repeats = registry.get(PortcullisMetrics.REPEATS).functionCounter();
        assertThat(repeats.count()).isEqualTo(2);
        assertThat(registry.get(PortcullisMetrics.CACHE_SIZE).gauge().value()).isEqualTo(1);
        assertThat(registry.get(PortcullisMetrics.CACHE_HIT_RATIO).gauge().value()).isEqualTo(0.5);
    }

    @Test
    @DisplayName("an AuditLog stays an AuditLog once instrumented, so audit queries and retention keep working")
    void auditLogKept() {
        assertThat(kit.stores().audit()).isInstanceOf(AuditLog.class);
        assertThat(PortcullisMetrics.instrument(kit.stores(), registry).audit()).isInstanceOf(AuditLog.class);
        assertThat(PortcullisMetrics.instrument(event -> { }, registry)).isNotInstanceOf(AuditLog.class);
    }

    @Test
    @DisplayName("a reason code outside the known vocabulary becomes 'other'")
    void unknownReason() {
        assertThat(AuditCounters.reason("bad_password")).isEqualTo("bad_password");
        assertThat(AuditCounters.reason("token_revoked")).isEqualTo("token_revoked");
        assertThat(AuditCounters.reason("ldap said no to alice@example.com")).isEqualTo("other");
        assertThat(AuditCounters.reason("")).isEqualTo("none");
    }

    @Test
    @DisplayName("after a scripted run no tag of any meter holds a username, user id, address, session id or token")
    void lowCardinality() {
        TokenPair pair = login("alice", "correct horse battery", ALICE_DEVICE);
        assertThatThrownBy(() -> login("alice", "wrong", ALICE_DEVICE)).isInstanceOf(AuthException.class);
        assertThatThrownBy(() -> login("mallory-unknown", "x", ATTACKER)).isInstanceOf(AuthException.class);
        for (String name : List.of("u1", "u2", "u3", "u4")) {
            assertThatThrownBy(() -> login(name, "guess", ATTACKER)).isInstanceOf(AuthException.class);
        }
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> login("bob", "wrong", ATTACKER)).isInstanceOf(AuthException.class);
        }
        AuthPrincipal p = auth.validate(pair.accessToken());
        auth.validate(pair.accessToken());
        TokenPair next = auth.refresh(pair.accessToken(), pair.refreshToken(), ALICE_DEVICE);
        assertThatThrownBy(() -> auth.refresh(pair.accessToken(), pair.refreshToken(), ALICE_DEVICE))
                .isInstanceOf(AuthException.class);
        TokenPair again = login("alice", "correct horse battery", ALICE_DEVICE);
        auth.logoutAll(auth.validate(again.accessToken()), ALICE_DEVICE);

        List<String> secrets = new ArrayList<>(List.of("alice", "bob", "mallory", "u1", "u2", "u3", "u4",
                kit.userId("alice"), kit.userId("bob"), ALICE_DEVICE.ip(), ATTACKER.ip(), "alice-browser", "attack-tool",
                p.sessionId(), again.sessionId(), pair.accessToken(), pair.refreshToken(), next.accessToken(),
                next.refreshToken(), "correct horse battery"));
        List<Meter> meters = registry.getMeters();
        assertThat(meters).hasSizeGreaterThan(10);
        for (Meter meter : meters) {
            for (Tag tag : meter.getId().getTags()) {
                for (String secret : secrets) {
                    assertThat(tag.getValue()).as("tag %s of %s", tag.getKey(), meter.getId().getName())
                            .doesNotContain(secret);
                }
                assertThat(tag.getValue()).as("tag %s of %s", tag.getKey(), meter.getId().getName())
                        .matches("[a-z_]{1,40}");
            }
        }
    }
}
