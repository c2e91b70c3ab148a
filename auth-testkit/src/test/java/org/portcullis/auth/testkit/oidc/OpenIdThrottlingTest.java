package org.portcullis.auth.testkit.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.ErrorCode;

/**
 * Failed ID-token logins are counted per external subject and per source, never per provider
 * (issue #10): one subject's failures leave the provider's other users alone, and forged tokens
 * naming a victim cost only their sender.
 */
@DisplayName("ID-token login: throttling per (provider, subject) and per source")
class OpenIdThrottlingTest {

    private static final AuthSettings TIGHT = AuthSettings.builder()
            .throttling(AuthSettings.Throttling.builder().pairFreeAttempts(3).ipFreeAttempts(5).userFreeAttempts(4).build())
            .build();

    private final OpenIdFixture f = new OpenIdFixture(p -> p, TIGHT, List.of());

    @AfterEach
    void close() {
        f.close();
    }

    private static ClientInfo from(int i) {
        return new ClientInfo("203.0.113." + i, "t");
    }

    @Test
    @DisplayName("failures of one subject throttle that subject from everywhere, not the provider's other users")
    void perSubjectNotPerProvider() {
        f.linkedUser("bob", "sub-bob");
        // Genuine tokens of an unlinked subject, each fresh: they count against that subject.
        for (int i = 1; i <= 6; i++) {
            String mallory = f.idp.idToken("sub-mallory").audience(OpenIdFixture.CLIENT_ID).sign();
            assertThat(f.refused("corp", mallory, Optional.empty(), from(i)).code()).isIn(ErrorCode.INVALID_CREDENTIALS,
                    ErrorCode.THROTTLED);
        }
        String malloryNow = f.idp.idToken("sub-mallory").audience(OpenIdFixture.CLIENT_ID).sign();
        assertThat(f.refused("corp", malloryNow, Optional.empty(), from(50)).code()).isEqualTo(ErrorCode.THROTTLED);
        String bobNow = f.idp.idToken("sub-bob").audience(OpenIdFixture.CLIENT_ID).sign();
        assertThat(f.auth.login(new org.portcullis.auth.api.ExternalAssertion("corp", bobNow), from(51)).sessionId())
                .isNotBlank();
        assertThat(f.events(AuditEventType.LOGIN_THROTTLED)).last().satisfies(e ->
                assertThat(e.reason()).contains("provider=corp;sub=sub-mallory"));
    }

    @Test
    @DisplayName("an old genuine token replayed from many addresses throttles those addresses, never its owner (NIST SP 800-63B §5.2.2)")
    void replayedExpiredTokenDoesNotLockOutTheOwner() {
        f.linkedUser("alice", "sub-alice");
        String expired = f.idp.idToken("sub-alice").audience(OpenIdFixture.CLIENT_ID).sign();
        f.clock.advance(Duration.ofMinutes(6));
        for (int i = 1; i <= 30; i++) {
            assertThat(f.refused("corp", expired, Optional.empty(), from(i)).reason()).isEqualTo("expired");
        }
        ClientInfo attacker = from(99);
        for (int i = 0; i < 12; i++) {
            f.refused("corp", expired, Optional.empty(), attacker);
        }
        assertThat(f.refused("corp", expired, Optional.empty(), attacker).code()).isEqualTo(ErrorCode.THROTTLED);
        String aliceNow = f.idp.idToken("sub-alice").audience(OpenIdFixture.CLIENT_ID).sign();
        assertThat(f.auth.login(new org.portcullis.auth.api.ExternalAssertion("corp", aliceNow), from(200)).sessionId())
                .isNotBlank();
    }

    @Test
    @DisplayName("password logins under a name spelling a provider key never reach the external subject's counters")
    void passwordUsernamesCannotReachSubjectCounters() {
        f.linkedUser("alice", "Sub-Alice");
        for (String name : List.of("idp:corp|Sub-Alice", "IDP:4:corp|Sub-Alice", "4:corp|Sub-Alice", "corp:Sub-Alice")) {
            for (int i = 1; i <= 8; i++) {
                try {
                    f.auth.login(new org.portcullis.auth.api.PasswordCredential(name, "wrong"), from(100 + i));
                } catch (org.portcullis.auth.api.AuthException expected) {
                    assertThat(expected.code()).isIn(ErrorCode.INVALID_CREDENTIALS, ErrorCode.THROTTLED);
                }
            }
        }
        String aliceNow = f.idp.idToken("Sub-Alice").audience(OpenIdFixture.CLIENT_ID).sign();
        assertThat(f.auth.login(new org.portcullis.auth.api.ExternalAssertion("corp", aliceNow), from(150)).sessionId())
                .isNotBlank();
    }

    @Test
    @DisplayName("subjects are counted case-sensitively: failures of ABC do not throttle abc")
    void subjectsAreCaseSensitive() {
        f.linkedUser("lower", "abc");
        for (int i = 1; i <= 8; i++) {
            String upper = f.idp.idToken("ABC").audience(OpenIdFixture.CLIENT_ID).sign();
            f.refused("corp", upper, Optional.empty(), from(i));
        }
        String upperNow = f.idp.idToken("ABC").audience(OpenIdFixture.CLIENT_ID).sign();
        assertThat(f.refused("corp", upperNow, Optional.empty(), from(60)).code()).isEqualTo(ErrorCode.THROTTLED);
        String lower = f.idp.idToken("abc").audience(OpenIdFixture.CLIENT_ID).sign();
        assertThat(f.auth.login(new org.portcullis.auth.api.ExternalAssertion("corp", lower), from(61)).sessionId())
                .isNotBlank();
    }

    @Test
    @DisplayName("forged tokens naming a victim throttle their source, never the victim")
    void forgedTokensCostTheirSource() {
        f.linkedUser("alice", "sub-alice");
        ClientInfo attacker = from(66);
        for (int i = 0; i < 12; i++) {
            String forged = f.idp.idToken("sub-alice").audience(OpenIdFixture.CLIENT_ID).signWithUnpublishedKey();
            f.refused("corp", forged, Optional.empty(), attacker);
        }
        String genuine = f.idp.idToken("sub-alice").audience(OpenIdFixture.CLIENT_ID).sign();
        assertThat(f.refused("corp", genuine, Optional.empty(), attacker).code()).isEqualTo(ErrorCode.THROTTLED);
        assertThat(f.auth.login(new org.portcullis.auth.api.ExternalAssertion("corp", genuine), from(7)).sessionId())
                .isNotBlank();
    }

    @Test
    @DisplayName("tokens minted for another client naming a victim throttle their source, never the victim")
    void otherClientsTokensCostTheirSource() {
        f.linkedUser("alice", "sub-alice");
        ClientInfo attacker = from(67);
        for (int i = 0; i < 12; i++) {
            String misdirected = f.idp.idToken("sub-alice").audience("attackers-app").sign();
            f.refused("corp", misdirected, Optional.empty(), attacker);
        }
        String genuine = f.idp.idToken("sub-alice").audience(OpenIdFixture.CLIENT_ID).sign();
        assertThat(f.auth.login(new org.portcullis.auth.api.ExternalAssertion("corp", genuine), from(8)).sessionId())
                .isNotBlank();
    }
}
