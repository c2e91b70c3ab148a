package org.portcullis.auth.testkit;

import org.portcullis.auth.store.tck.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.portcullis.auth.testkit.PortcullisAssertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.TokenPair;

@DisplayName("PortcullisTestKit")
class PortcullisTestKitTest {

    private final PortcullisTestKit kit = PortcullisTestKit.inMemory()
            .withUser("alice", "wonderland", "admin", "user")
            .withDisabledUser("mallory", "letmein")
            .build();

    @AfterEach
    void close() {
        kit.close();
    }

    @Nested
    @DisplayName("wires a real service")
    class Wiring {

        @Test
        @DisplayName("a pre-registered user logs in and the token validates with her id and roles")
        void login() {
            TokenPair pair = kit.login("alice");
            assertThat(kit.service().validate(pair.accessToken()))
                    .hasUsername("alice").hasUserId(kit.userId("alice")).hasRoles("admin", "user")
                    .hasSessionId(pair.sessionId());
        }

        @Test
        @DisplayName("a wrong password is refused and audited as a failed login for that user")
        void wrongPassword() {
            assertThatThrownBy(() -> kit.login("alice", "nope")).isInstanceOf(AuthException.class)
                    .extracting(e -> ((AuthException) e).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
            assertThat(kit.auditEvents()).containsEventOfType(AuditEventType.LOGIN_FAILED).forUser("alice").failed();
        }

        @Test
        @DisplayName("a disabled user is refused with ACCOUNT_DISABLED")
        void disabled() {
            assertThatThrownBy(() -> kit.login("mallory")).isInstanceOf(AuthException.class)
                    .extracting(e -> ((AuthException) e).code()).isEqualTo(ErrorCode.ACCOUNT_DISABLED);
        }

        @Test
        @DisplayName("moving the clock moves the service: a token expires once its lifetime and the skew have passed")
        void clockMovesService() {
            String token = kit.tokens().valid("alice");
            kit.clock().advance(Duration.ofMinutes(20).plusSeconds(29));
            assertThat(kit.service().validate(token)).hasUsername("alice");
            kit.clock().advance(Duration.ofSeconds(1));
            assertThatThrownBy(() -> kit.service().validate(token)).isInstanceOf(AuthException.class)
                    .extracting(e -> ((AuthException) e).code()).isEqualTo(ErrorCode.TOKEN_EXPIRED);
        }

        @Test
        @DisplayName("the clock starts at a fixed instant")
        void fixedStart() {
            assertThat(kit.clock().instant()).isEqualTo(MutableClock.DEFAULT_START);
            assertThat(kit.login("alice").issuedAt()).isEqualTo(MutableClock.DEFAULT_START);
        }
    }

    @Nested
    @DisplayName("its builder")
    class Building {

        @Test
        @DisplayName("applies settings and a start instant")
        void settings() {
            Instant start = Instant.parse("2031-06-01T12:00:00Z");
            try (PortcullisTestKit custom = PortcullisTestKit.inMemory()
                    .withUser("bob", "builder")
                    .withSettings(b -> b.accessTokenLifetime(Duration.ofMinutes(5)))
                    .startingAt(start)
                    .build()) {
                assertThat(custom.login("bob")).isBearer().expiresIn(Duration.ofMinutes(5))
                        .expiresAt(start.plus(Duration.ofMinutes(5)));
            }
        }

        @Test
        @DisplayName("builds independent kits: nothing done in one shows in another")
        void independent() {
            PortcullisTestKit.Builder builder = PortcullisTestKit.inMemory().withUser("bob", "builder");
            try (PortcullisTestKit first = builder.build(); PortcullisTestKit second = builder.build()) {
                first.login("bob");
                first.clock().advance(Duration.ofHours(1));
                assertThat(second.auditEvents()).isEmpty();
                assertThat(second.clock().instant()).isEqualTo(MutableClock.DEFAULT_START);
                assertThat(second.userId("bob")).isNotEqualTo(first.userId("bob"));
            }
        }

        @Test
        @DisplayName("registers a user under an id the test chooses")
        void chosenId() {
            try (PortcullisTestKit custom = PortcullisTestKit.inMemory()
                    .withUserId("customer-42", "erin", "pw", java.util.Set.of("buyer")).build()) {
                assertThat(custom.service().validate(custom.tokens().valid("erin")))
                        .hasUserId("customer-42").hasRoles("buyer");
            }
        }

        @Test
        @DisplayName("refuses the same username twice")
        void duplicateUser() {
            assertThatThrownBy(() -> PortcullisTestKit.inMemory().withUser("bob", "a").withUser("BOB", "b").build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bob");
        }

        @Test
        @DisplayName("names the registered users when asked for an unknown one")
        void unknownUser() {
            assertThatThrownBy(() -> kit.userId("carol")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("carol").hasMessageContaining("alice");
        }

        @Test
        @DisplayName("never prints a password")
        void noPasswordInToString() {
            assertThat(kit.toString()).doesNotContain("wonderland").doesNotContain("letmein");
        }
    }
}
