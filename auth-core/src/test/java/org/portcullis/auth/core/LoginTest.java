package org.portcullis.auth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.ExternalAssertion;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.api.UserRecord;

@DisplayName("login")
class LoginTest {

    private final Fixture f = new Fixture();

    @AfterEach
    void close() {
        f.close();
    }

    @Nested
    @DisplayName("with the right credentials")
    class Success {

        @Test
        @DisplayName("returns an access token that lives 20 minutes by default and an opaque refresh token")
        void tokens() {
            f.addUser("alice", "wonderland", "admin");
            TokenPair pair = f.login("alice", "wonderland");
            assertThat(pair.expiresIn()).isEqualTo(Duration.ofMinutes(20));
            assertThat(pair.issuedAt()).isEqualTo(Fixture.START);
            assertThat(pair.accessToken().split("\\.")).hasSize(3);
            assertThat(pair.refreshToken()).hasSize(43).doesNotContain(".");
            assertThat(pair.tokenType()).isEqualTo("Bearer");
            assertThat(pair.refreshExpiresAt()).isEqualTo(Fixture.START.plus(Duration.ofDays(7)));
        }

        @Test
        @DisplayName("accepts the username in any case and with surrounding spaces")
        void normalisedUsername() {
            f.addUser("alice", "wonderland");
            assertThat(f.login("  ALICE ", "wonderland").sessionId()).isNotBlank();
        }

        @Test
        @DisplayName("yields a token whose principal carries user id, username, roles and session id")
        void principal() {
            String id = f.addUser("alice", "wonderland", "admin", "reader");
            TokenPair pair = f.login("alice", "wonderland");
            AuthPrincipal p = f.auth.validate(pair.accessToken());
            assertThat(p.userId()).isEqualTo(id);
            assertThat(p.username()).isEqualTo("alice");
            assertThat(p.roles()).containsExactlyInAnyOrder("admin", "reader");
            assertThat(p.sessionId()).isEqualTo(pair.sessionId());
        }

        @Test
        @DisplayName("records LOGIN_SUCCEEDED with user, session and client")
        void audited() {
            String id = f.addUser("alice", "wonderland");
            TokenPair pair = f.login("alice", "wonderland");
            assertThat(f.events(AuditEventType.LOGIN_SUCCEEDED)).singleElement().satisfies(e -> {
                assertThat(e.outcome()).isEqualTo(AuditEvent.Outcome.SUCCESS);
                assertThat(e.userId()).contains(id);
                assertThat(e.username()).contains("alice");
                assertThat(e.sessionId()).contains(pair.sessionId());
                assertThat(e.clientIp()).isEqualTo("203.0.113.5");
                assertThat(e.userAgent()).isEqualTo("junit");
            });
        }

        @Test
        @DisplayName("rehashes a password stored with weaker parameters and records PASSWORD_REHASHED")
        void rehash() {
            PasswordHasher weaker = PasswordHasher.withParameters(32, 1, 1);
            f.stores.users().create(new UserRecord("u1", "bob", weaker.hash("builder"), Set.of(), true));
            f.login("bob", "builder");
            String stored = f.stores.users().findById("u1").orElseThrow().passwordHash();
            assertThat(stored).startsWith("$argon2id$v=19$m=64,t=1,p=1$");
            assertThat(f.events(AuditEventType.PASSWORD_REHASHED)).hasSize(1);
            assertThat(f.login("bob", "builder").sessionId()).isNotBlank();
            assertThat(f.events(AuditEventType.PASSWORD_REHASHED)).hasSize(1);
        }
    }

    @Nested
    @DisplayName("with wrong credentials")
    class Failure {

        @Test
        @DisplayName("a wrong password fails with INVALID_CREDENTIALS and records LOGIN_FAILED with reason bad_password")
        void wrongPassword() {
            f.addUser("alice", "wonderland");
            assertThatThrownBy(() -> f.login("alice", "looking-glass"))
                    .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS));
            assertThat(f.events(AuditEventType.LOGIN_FAILED)).singleElement().satisfies(e -> {
                assertThat(e.reason()).isEqualTo("bad_password");
                assertThat(e.username()).contains("alice");
                assertThat(e.outcome()).isEqualTo(AuditEvent.Outcome.FAILURE);
            });
        }

        @Test
        @DisplayName("a 1024-character password is checked to its last character, spaces and Unicode included (NIST SP 800-63B §5.1.1.2: no truncation)")
        void longPasswordNotTruncated() {
            String password = "correct horse \u00e9\u6f22\uD83D\uDD11 ".repeat(60).substring(0, 1023) + "x";
            f.addUser("alice", password);
            assertThat(f.login("alice", password).sessionId()).isNotBlank();
            String lastDiffers = password.substring(0, 1023) + "y";
            assertThat(catchAuth(() -> f.login("alice", lastDiffers)).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
            String firstDiffers = "C" + password.substring(1);
            assertThat(catchAuth(() -> f.login("alice", firstDiffers)).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        }

        @Test
        @DisplayName("an unknown username fails with the same code and message as a wrong password")
        void unknownUser() {
            f.addUser("alice", "wonderland");
            AuthException unknown = catchAuth(() -> f.login("mallory", "wonderland"));
            AuthException wrong = catchAuth(() -> f.login("alice", "nope"));
            assertThat(unknown.code()).isEqualTo(wrong.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
            assertThat(unknown.getMessage()).isEqualTo(wrong.getMessage());
            assertThat(f.events(AuditEventType.LOGIN_FAILED)).extracting(AuditEvent::reason)
                    .containsExactlyInAnyOrder("unknown_user", "bad_password");
        }

        @Test
        @DisplayName("a disabled account is reported only when the password was right")
        void disabled() {
            String id = f.addUser("alice", "wonderland");
            f.stores.users().setEnabled(id, false);
            assertThat(catchAuth(() -> f.login("alice", "wrong")).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
            assertThat(catchAuth(() -> f.login("alice", "wonderland")).code()).isEqualTo(ErrorCode.ACCOUNT_DISABLED);
        }

        @Test
        @DisplayName("an empty or oversized username or password is refused without a lookup")
        void limits() {
            f.addUser("alice", "wonderland");
            assertThat(catchAuth(() -> f.login("", "x")).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
            assertThat(catchAuth(() -> f.login("alice", "")).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
            assertThat(catchAuth(() -> f.login("alice", "x".repeat(PasswordCredential.MAX_PASSWORD_LENGTH + 1))).code())
                    .isEqualTo(ErrorCode.INVALID_CREDENTIALS);
            assertThat(catchAuth(() -> f.login("a".repeat(PasswordCredential.MAX_USERNAME_LENGTH + 1), "x")).code())
                    .isEqualTo(ErrorCode.INVALID_CREDENTIALS);
            assertThat(f.events(AuditEventType.LOGIN_FAILED)).extracting(AuditEvent::reason).containsOnly("input_rejected");
        }

        @Test
        @DisplayName("a NUL in the username is refused before any store sees it, and the audit row holds no NUL")
        void nulInUsername() {
            f.addUser("alice", "wonderland");
            assertThat(catchAuth(() -> f.login("ali\0ce", "wonderland")).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
            assertThat(catchAuth(() -> f.login("\0", "x")).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
            // Failures not tied to an account may be aggregated per source: at least one row, none with a NUL.
            assertThat(f.events(AuditEventType.LOGIN_FAILED)).isNotEmpty().allSatisfy(e -> {
                assertThat(e.reason()).isEqualTo("input_rejected");
                assertThat(e.username()).hasValueSatisfying(u -> assertThat(u).doesNotContain("\0"));
            });
        }

        @Test
        @DisplayName("a credential kind no verifier supports fails with UNSUPPORTED_CREDENTIAL")
        void unsupported() {
            assertThat(catchAuth(() -> f.auth.login(new ExternalAssertion("idp", "assertion"), Fixture.CLIENT)).code())
                    .isEqualTo(ErrorCode.UNSUPPORTED_CREDENTIAL);
        }
    }

    static AuthException catchAuth(Runnable r) {
        try {
            r.run();
        } catch (AuthException e) {
            return e;
        }
        throw new AssertionError("expected an AuthException");
    }
}
