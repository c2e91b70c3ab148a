package org.portcullis.auth.testkit;

import org.portcullis.auth.store.tck.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.portcullis.auth.testkit.PortcullisAssertions.assertThat;

import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.testkit.AccessToken.Kind;

@DisplayName("PortcullisExtension")
class PortcullisExtensionTest {

    private static ErrorCode rejection(AuthService auth, String token) {
        try {
            auth.validate(token);
            return null;
        } catch (AuthException e) {
            return e.code();
        }
    }

    @Nested
    @ExtendWith(PortcullisExtension.class)
    @WithUser(username = "alice", password = "wonderland", roles = "admin")
    @DisplayName("used declaratively")
    class Declarative {

        private PortcullisTestKit fromBeforeEach;

        @BeforeEach
        void setUp(PortcullisTestKit kit) {
            fromBeforeEach = kit;
        }

        @Test
        @DisplayName("injects the kit and its parts, the same kit in @BeforeEach as in the test")
        void injectsParts(PortcullisTestKit kit, AuthService auth, MutableClock clock, Clock plainClock,
                          TestTokens tokens, Stores stores) {
            assertThat(kit).isSameAs(fromBeforeEach);
            assertThat(auth).isSameAs(kit.service());
            assertThat(clock).isSameAs(kit.clock()).isSameAs(plainClock);
            assertThat(tokens).isSameAs(kit.tokens());
            assertThat(stores).isSameAs(kit.stores());
        }

        @Test
        @DisplayName("gives each test a fresh kit: no sessions, no events, the clock at its start")
        void fresh(PortcullisTestKit kit) {
            assertThat(kit.auditEvents()).isEmpty();
            assertThat(kit.service().sessions(kit.userId("alice"))).isEmpty();
            assertThat(kit.clock().instant()).isEqualTo(MutableClock.DEFAULT_START);
            kit.login("alice");
            kit.clock().advance(Duration.ofDays(1));
        }

        @Test
        @DisplayName("injects tokens of every kind, and a valid one stays valid whatever the parameter order")
        void tokens(AuthService auth,
                    @AccessToken("alice") String valid,
                    @AccessToken(value = "alice", kind = Kind.EXPIRED) String expired,
                    @AccessToken(value = "alice", kind = Kind.REVOKED) String revoked,
                    @AccessToken(value = "alice", kind = Kind.TAMPERED_PAYLOAD) String tamperedPayload,
                    @AccessToken(value = "alice", kind = Kind.TAMPERED_SIGNATURE) String tamperedSignature,
                    @AccessToken(value = "alice", kind = Kind.UNSIGNED) String unsigned,
                    @AccessToken(value = "alice", kind = Kind.FOREIGN) String foreign) {
            assertThat(auth.validate(valid)).hasUsername("alice").hasRole("admin");
            assertThat(rejection(auth, expired)).isEqualTo(ErrorCode.TOKEN_EXPIRED);
            assertThat(rejection(auth, revoked)).isEqualTo(ErrorCode.TOKEN_REVOKED);
            assertThat(rejection(auth, tamperedPayload)).isEqualTo(ErrorCode.TOKEN_INVALID);
            assertThat(rejection(auth, tamperedSignature)).isEqualTo(ErrorCode.TOKEN_INVALID);
            assertThat(rejection(auth, unsigned)).isEqualTo(ErrorCode.TOKEN_INVALID);
            assertThat(rejection(auth, foreign)).isEqualTo(ErrorCode.TOKEN_INVALID);
        }

        @Test
        @WithUser(username = "bob", password = "builder")
        @DisplayName("adds the users named on the method to those of the class")
        void methodUsers(PortcullisTestKit kit) {
            assertThat(kit.login("bob").sessionId()).isNotBlank();
            assertThat(kit.login("alice").sessionId()).isNotBlank();
        }

        @Test
        @DisplayName("does not carry a method's users over to other tests")
        void methodUsersStayPut(PortcullisTestKit kit) {
            assertThatThrownBy(() -> kit.userId("bob")).isInstanceOf(IllegalArgumentException.class);
        }

        @Nested
        @WithUser(username = "carol", password = "singer")
        @DisplayName("in a nested class")
        class Inner {

            @Test
            @DisplayName("registers the users of the enclosing classes too")
            void enclosing(PortcullisTestKit kit) {
                assertThat(kit.userId("alice")).isNotBlank();
                assertThat(kit.userId("carol")).isNotBlank();
            }
        }
    }

    @Nested
    @DisplayName("registered with a builder")
    class Registered {

        @RegisterExtension
        final PortcullisExtension portcullis = PortcullisExtension.using(PortcullisTestKit.inMemory()
                .withUser("dave", "diver")
                .withSettings(b -> b.accessTokenLifetime(Duration.ofMinutes(2))));

        @Test
        @DisplayName("builds each kit from the builder's users and settings")
        void fromBuilder(@AccessToken("dave") String token) {
            PortcullisTestKit kit = portcullis.kit();
            assertThat(kit.settings().accessTokenLifetime()).isEqualTo(Duration.ofMinutes(2));
            assertThat(kit.service().validate(token)).hasUsername("dave");
        }
    }
}
