package org.portcullis.auth.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("value types")
class ValueTypesTest {

    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    @DisplayName("toString never prints a password, a token, a hash or a private key")
    void redacted() {
        assertThat(new PasswordCredential("alice", "hunter2").toString()).doesNotContain("hunter2");
        assertThat(new TokenPair("ACCESS", "REFRESH", T, T, T, "sid").toString()).doesNotContain("ACCESS", "REFRESH");
        assertThat(new UserRecord("1", "alice", "$argon2id$HASH", Set.of(), true).toString()).doesNotContain("HASH");
        assertThat(new SigningKey("k", SigningAlgorithm.HS256, new byte[0], "SECRETKEY".getBytes(), T, T,
                Optional.empty(), Optional.empty()).toString()).doesNotContain("SECRETKEY", "[B@");
        assertThat(new ExternalAssertion("idp", "ASSERTION").toString()).doesNotContain("ASSERTION");
    }

    @Test
    @DisplayName("a session is over at its idle or absolute expiry instant exactly")
    void sessionBoundary() {
        Session s = Session.start("s", "u", "alice", Set.of(), T, T.plusSeconds(60), T.plusSeconds(120), ClientInfo.UNKNOWN);
        assertThat(s.isActiveAt(T.plusSeconds(60).minusNanos(1))).isTrue();
        assertThat(s.isActiveAt(T.plusSeconds(60))).isFalse();
        assertThat(s.revoked(T, RevocationReason.LOGOUT).isActiveAt(T)).isFalse();
        assertThat(s.rotated(T.plusSeconds(30), T.plusSeconds(120)).isActiveAt(T.plusSeconds(119))).isTrue();
        assertThat(s.rotated(T.plusSeconds(30), T.plusSeconds(200)).isActiveAt(T.plusSeconds(120))).isFalse();
    }

    @Test
    @DisplayName("usernames are normalised: trimmed and lower-cased")
    void usernames() {
        assertThat(new UserRecord("1", "  Alice ", "h", Set.of(), true).username()).isEqualTo("alice");
    }

    @Test
    @DisplayName("a throttled exception carries its retry-after; others do not")
    void throttled() {
        assertThat(AuthException.throttled(Duration.ofSeconds(3), "x").retryAfter()).contains(Duration.ofSeconds(3));
        assertThat(AuthException.of(ErrorCode.TOKEN_EXPIRED).retryAfter()).isEmpty();
        assertThat(AuthException.of(ErrorCode.TOKEN_EXPIRED).getStackTrace()).isEmpty();
        assertThatThrownBy(() -> AuthException.throttled(Duration.ofSeconds(-1), "x"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("audit queries match on user, type and a half-open time range")
    void auditQuery() {
        AuditEvent e = AuditEvent.builder(AuditEventType.LOGIN_FAILED, T).user("u1", "alice").failure().build();
        AuditQuery q = AuditQuery.all().forUser("u1").ofTypes(Set.of(AuditEventType.LOGIN_FAILED));
        assertThat(q.matches(e)).isTrue();
        assertThat(q.between(T, T.plusSeconds(1)).matches(e)).isTrue();
        assertThat(q.between(T.minusSeconds(1), T).matches(e)).isFalse();
        assertThat(AuditQuery.all().forUser("u2").matches(e)).isFalse();
        assertThatThrownBy(() -> AuditQuery.all().limit(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
