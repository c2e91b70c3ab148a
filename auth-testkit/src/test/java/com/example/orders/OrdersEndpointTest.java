package com.example.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.portcullis.auth.testkit.PortcullisAssertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.testkit.AccessToken;
import org.portcullis.auth.testkit.AccessToken.Kind;
import org.portcullis.auth.testkit.PortcullisExtension;
import org.portcullis.auth.testkit.PortcullisTestKit;
import org.portcullis.auth.testkit.WithUser;

@ExtendWith(PortcullisExtension.class)
@WithUser(username = "alice", password = "s3cret", roles = "clerk")
@WithUser(username = "bob", password = "hunter2")
@DisplayName("the orders endpoint")
class OrdersEndpointTest {

    @Test
    @DisplayName("lets a clerk with a valid token in")
    void clerk(AuthService auth, @AccessToken("alice") String token) {
        assertThat(new OrdersEndpoint(auth).handle("Bearer " + token)).isEqualTo(200);
    }

    @Test
    @DisplayName("forbids a signed-in user who is not a clerk")
    void notAClerk(AuthService auth, @AccessToken("bob") String token) {
        assertThat(new OrdersEndpoint(auth).handle("Bearer " + token)).isEqualTo(403);
    }

    @Test
    @DisplayName("turns away missing, expired, revoked, tampered and forged tokens")
    void badTokens(AuthService auth,
                   @AccessToken(value = "alice", kind = Kind.EXPIRED) String expired,
                   @AccessToken(value = "alice", kind = Kind.REVOKED) String revoked,
                   @AccessToken(value = "bob", kind = Kind.TAMPERED_PAYLOAD) String bobMadeHimselfAdmin,
                   @AccessToken(value = "alice", kind = Kind.UNSIGNED) String unsigned,
                   @AccessToken(value = "alice", kind = Kind.FOREIGN) String forged) {
        OrdersEndpoint orders = new OrdersEndpoint(auth);
        assertThat(orders.handle(null)).isEqualTo(401);
        for (String token : new String[] {expired, revoked, bobMadeHimselfAdmin, unsigned, forged}) {
            assertThat(orders.handle("Bearer " + token)).isEqualTo(401);
        }
    }

    @Test
    @DisplayName("audits a failed login against the user it was for")
    void failedLoginIsAudited(PortcullisTestKit kit) {
        assertThatThrownBy(() -> kit.login("alice", "wrong password")).isInstanceOf(AuthException.class);

        assertThat(kit.auditEvents())
                .containsEventOfType(AuditEventType.LOGIN_FAILED).forUser("alice").failed()
                .containsNoSecret("wrong password");
    }

    @Test
    @DisplayName("keeps a session alive by refreshing, and ends it after a week of silence")
    void sessionLifetime(PortcullisTestKit kit) {
        TokenPair first = kit.login("alice");
        kit.clock().advance(Duration.ofMinutes(25));                 // the access token has expired...
        TokenPair second = kit.service().refresh(first.accessToken(), first.refreshToken(),
                PortcullisTestKit.TEST_CLIENT);                         // ...and the refresh renews both
        assertThat(second).isBearer().belongsToSession(first.sessionId()).sharesNoTokenWith(first);

        kit.clock().advance(Duration.ofDays(7));                       // the default idle timeout
        assertThatThrownBy(() -> kit.service().refresh(second.accessToken(), second.refreshToken(),
                PortcullisTestKit.TEST_CLIENT))
                .isInstanceOfSatisfying(AuthException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.REFRESH_TOKEN_EXPIRED));
    }
}
