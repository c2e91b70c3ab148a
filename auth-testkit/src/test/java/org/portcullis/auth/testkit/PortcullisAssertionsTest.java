package org.portcullis.auth.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.portcullis.auth.testkit.PortcullisAssertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.TokenPair;

@DisplayName("PortcullisAssertions")
class PortcullisAssertionsTest {

    private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");

    @Nested
    @DisplayName("on audit events")
    class Events {

        private final List<AuditEvent> events = List.of(
                AuditEvent.builder(AuditEventType.LOGIN_SUCCEEDED, T).user("u-bob", "bob").session("s-1").build(),
                AuditEvent.builder(AuditEventType.LOGIN_FAILED, T).username("alice").failure().reason("bad_password")
                        .client(ClientInfo.ofIp("203.0.113.4")).build(),
                AuditEvent.builder(AuditEventType.LOGIN_FAILED, T).username("carol").failure().reason("unknown_user")
                        .build());

        @Test
        @DisplayName("a chain narrows by type, user, reason and IP and passes when an event matches all")
        void chainPasses() {
            assertThat(events).containsEventOfType(AuditEventType.LOGIN_FAILED).forUser("Alice")
                    .withReason("bad_password").fromIp("203.0.113.4").failed().hasCount(1);
            assertThat(events).containsEventOfType(AuditEventType.LOGIN_SUCCEEDED).forUser("u-bob").forSession("s-1")
                    .singleEvent().succeeded().isForUser("bob");
        }

        @Test
        @DisplayName("a chain fails, listing the events, when no event matches every link")
        void chainFails() {
            assertThatThrownBy(() -> assertThat(events).containsEventOfType(AuditEventType.LOGIN_FAILED).forUser("bob"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("for user bob").hasMessageContaining("LOGIN_FAILED");
        }

        @Test
        @DisplayName("a missing type fails")
        void missingType() {
            assertThatThrownBy(() -> assertThat(events).containsEventOfType(AuditEventType.REFRESH_TOKEN_REUSED))
                    .isInstanceOf(AssertionError.class);
            assertThat(events).doesNotContainEventOfType(AuditEventType.REFRESH_TOKEN_REUSED);
        }

        @Test
        @DisplayName("a secret inside an event is found, and the failure does not repeat it")
        void secrets() {
            List<AuditEvent> leaky = List.of(AuditEvent.builder(AuditEventType.LOGIN_FAILED, T)
                    .reason("password=hunter2").build());
            assertThat(events).containsNoSecret("hunter2");
            assertThatThrownBy(() -> assertThat(leaky).containsNoSecret("hunter2"))
                    .isInstanceOf(AssertionError.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
        }
    }

    @Nested
    @DisplayName("on token pairs, principals and sessions")
    class Values {

        private final TokenPair pair = new TokenPair("h.p.s", "refresh-1", T, T.plus(Duration.ofMinutes(20)),
                T.plus(Duration.ofDays(7)), "s-1");
        private final AuthPrincipal principal = new AuthPrincipal("u-1", "alice", Set.of("admin"), "s-1", "j-1", T,
                T.plusSeconds(60), Map.of());
        private final Session session = Session.start("s-1", "u-1", "alice", Set.of(), T, T.plusSeconds(60),
                T.plusSeconds(120), ClientInfo.UNKNOWN);

        @Test
        @DisplayName("a token pair passes what it is and fails what it is not, without printing tokens")
        void tokenPair() {
            assertThat(pair).isBearer().expiresIn(Duration.ofMinutes(20)).belongsToSession("s-1");
            assertThatThrownBy(() -> assertThat(pair).belongsToSession("s-2")).isInstanceOf(AssertionError.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("refresh-1"));
            TokenPair same = new TokenPair("h.p.s", "refresh-2", T, T, T, "s-1");
            assertThatThrownBy(() -> assertThat(pair).sharesNoTokenWith(same)).isInstanceOf(AssertionError.class);
        }

        @Test
        @DisplayName("a principal passes its own name, id and roles and fails others")
        void principal() {
            assertThat(principal).hasUsername("alice").hasUserId("u-1").hasRoles("admin").hasRole("admin")
                    .doesNotHaveRole("root").hasSessionId("s-1");
            assertThatThrownBy(() -> assertThat(principal).hasRole("root")).isInstanceOf(AssertionError.class);
        }

        @Test
        @DisplayName("a session is active before its expiry, over at it, and revoked once revoked")
        void session() {
            assertThat(session).isActiveAt(T).isNotActiveAt(T.plusSeconds(60)).belongsTo("u-1").hasRefreshCount(0);
            assertThatThrownBy(() -> assertThat(session).isRevoked()).isInstanceOf(AssertionError.class);
            Session revoked = session.revoked(T, RevocationReason.LOGOUT);
            assertThat(revoked).isRevokedFor(RevocationReason.LOGOUT);
            assertThatThrownBy(() -> assertThat(revoked).isRevokedFor(RevocationReason.LOGOUT_ALL))
                    .isInstanceOf(AssertionError.class);
        }

        @Test
        @DisplayName("a single event passes its type and fails another")
        void singleEvent() {
            AuditEvent e = AuditEvent.builder(AuditEventType.LOGGED_OUT, T).session("s-1").build();
            assertThat(e).hasType(AuditEventType.LOGGED_OUT).succeeded().isForSession("s-1").hasReason("");
            assertThatThrownBy(() -> assertThat(e).hasType(AuditEventType.LOGIN_FAILED)).isInstanceOf(AssertionError.class);
        }
    }
}
